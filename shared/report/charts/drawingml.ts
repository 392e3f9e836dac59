/**
 * DrawingML chart parts (ECMA-376 part 1, §21.2) for the workbook: exceljs writes no charts,
 * so ./workbook-charts.ts adds these to its output. The element order follows the schema's
 * sequences (CT_LineSer, CT_BarSer, CT_BarChart …) and the shape XlsxWriter writes
 * (test/fixtures/xlsx-charts/reference_charts.py). No value caches: every reader (Excel,
 * LibreOffice, openpyxl) takes the values from the referenced cells, which is what makes the
 * charts editable.
 */
import { escapeHtml as xml } from '../render/html.ts';

export const NS = {
  c: 'http://schemas.openxmlformats.org/drawingml/2006/chart',
  a: 'http://schemas.openxmlformats.org/drawingml/2006/main',
  r: 'http://schemas.openxmlformats.org/officeDocument/2006/relationships',
  xdr: 'http://schemas.openxmlformats.org/drawingml/2006/spreadsheetDrawing',
} as const;

/** A cell range on a sheet, A1-style without `$`: `B3:B15`, or one cell `B2`. */
export interface CellRange {
  readonly sheet: string;
  readonly ref: string;
}

export interface ChartSeriesSpec {
  /** The cell holding the series' name (the legend shows it). */
  readonly name: CellRange;
  readonly values: CellRange;
  /** `RRGGBB`. */
  readonly colour: string;
  /** Line charts: a dashed line (the target). */
  readonly dashed?: boolean;
  /** Bar charts: a colour per bar (`RRGGBB`), e.g. red for unfavourable. */
  readonly pointColours?: readonly string[];
}

export interface ChartSpec {
  readonly kind: 'line' | 'bar';
  readonly title: string;
  readonly categories: CellRange;
  readonly series: readonly ChartSeriesSpec[];
  /** Excel number format of the value axis, e.g. `#,##0` or `0.0%`. */
  readonly numberFormat: string;
  /** Where the chart sits: zero-based columns and rows of its top-left and bottom-right cells. */
  readonly anchor: { readonly from: readonly [number, number]; readonly to: readonly [number, number] };
}

/** `'图表'!$A$3:$A$15`: absolute, and the sheet name always quoted (a `'` doubled). */
export function rangeFormula({ sheet, ref }: CellRange): string {
  const absolute = ref
    .split(':')
    .map((cell) => {
      const m = /^([A-Z]+)(\d+)$/.exec(cell);
      if (!m) throw new Error(`not an A1 cell reference: ${cell}`);
      return `$${m[1]}$${m[2]}`;
    })
    .join(':');
  return `'${sheet.replace(/'/g, "''")}'!${absolute}`;
}

const solid = (rgb: string) => `<a:solidFill><a:srgbClr val="${rgb}"/></a:solidFill>`;

function richText(text: string, size: number): string {
  return `<c:tx><c:rich><a:bodyPr/><a:lstStyle/><a:p><a:pPr><a:defRPr sz="${size}" b="0"/></a:pPr><a:r><a:rPr lang="zh-CN" sz="${size}" b="0"/><a:t>${xml(text)}</a:t></a:r></a:p></c:rich></c:tx>`;
}

function series(spec: ChartSpec, s: ChartSeriesSpec, index: number): string {
  const head = `<c:idx val="${index}"/><c:order val="${index}"/><c:tx><c:strRef><c:f>${xml(rangeFormula(s.name))}</c:f></c:strRef></c:tx>`;
  const refs = `<c:cat><c:strRef><c:f>${xml(rangeFormula(spec.categories))}</c:f></c:strRef></c:cat><c:val><c:numRef><c:f>${xml(rangeFormula(s.values))}</c:f></c:numRef></c:val>`;
  if (spec.kind === 'line') {
    const dash = s.dashed ? '<a:prstDash val="dash"/>' : '';
    const marker = s.dashed
      ? '<c:marker><c:symbol val="none"/></c:marker>'
      : `<c:marker><c:symbol val="circle"/><c:size val="5"/><c:spPr>${solid(s.colour)}<a:ln>${solid(s.colour)}</a:ln></c:spPr></c:marker>`;
    return `<c:ser>${head}<c:spPr><a:ln w="28575" cap="rnd">${solid(s.colour)}${dash}<a:round/></a:ln></c:spPr>${marker}${refs}<c:smooth val="0"/></c:ser>`;
  }
  const points = (s.pointColours ?? [])
    .map(
      (colour, i) =>
        `<c:dPt><c:idx val="${i}"/><c:invertIfNegative val="0"/><c:bubble3D val="0"/><c:spPr>${solid(colour)}</c:spPr></c:dPt>`,
    )
    .join('');
  // No data labels: beside bars that run left of zero they collide with the category names,
  // and the values stand in the cells next to the chart.
  return `<c:ser>${head}<c:spPr>${solid(s.colour)}</c:spPr><c:invertIfNegative val="0"/>${points}${refs}</c:ser>`;
}

/** xl/charts/chartN.xml for one chart; `id` makes its axis ids unique in the workbook. */
export function chartXml(spec: ChartSpec, id: number): string {
  const cat = 50_000_000 + id * 10 + 1;
  const val = cat + 1;
  const horizontal = spec.kind === 'bar';
  const plot =
    spec.kind === 'line'
      ? `<c:lineChart><c:grouping val="standard"/><c:varyColors val="0"/>${spec.series.map((s, i) => series(spec, s, i)).join('')}<c:marker val="1"/><c:axId val="${cat}"/><c:axId val="${val}"/></c:lineChart>`
      : `<c:barChart><c:barDir val="bar"/><c:grouping val="clustered"/><c:varyColors val="0"/>${spec.series.map((s, i) => series(spec, s, i)).join('')}<c:gapWidth val="60"/><c:axId val="${cat}"/><c:axId val="${val}"/></c:barChart>`;
  // Bars: the first category on top (the data are largest first) and the category names at
  // the far left, clear of bars that run left of zero.
  const catAx = `<c:catAx><c:axId val="${cat}"/><c:scaling><c:orientation val="${horizontal ? 'maxMin' : 'minMax'}"/></c:scaling><c:delete val="0"/><c:axPos val="${horizontal ? 'l' : 'b'}"/><c:numFmt formatCode="General" sourceLinked="1"/><c:majorTickMark val="none"/><c:minorTickMark val="none"/><c:tickLblPos val="low"/><c:crossAx val="${val}"/><c:crosses val="autoZero"/><c:auto val="1"/><c:lblAlgn val="ctr"/><c:lblOffset val="100"/><c:noMultiLvlLbl val="0"/></c:catAx>`;
  const valAx = `<c:valAx><c:axId val="${val}"/><c:scaling><c:orientation val="minMax"/></c:scaling><c:delete val="0"/><c:axPos val="${horizontal ? 'b' : 'l'}"/><c:majorGridlines><c:spPr><a:ln w="6350">${solid('D9D9D9')}</a:ln></c:spPr></c:majorGridlines><c:numFmt formatCode="${xml(spec.numberFormat)}" sourceLinked="0"/><c:majorTickMark val="none"/><c:minorTickMark val="none"/><c:tickLblPos val="nextTo"/><c:crossAx val="${cat}"/><c:crosses val="${horizontal ? 'max' : 'autoZero'}"/><c:crossBetween val="between"/></c:valAx>`;
  const legend =
    spec.series.length > 1 ? '<c:legend><c:legendPos val="t"/><c:overlay val="0"/></c:legend>' : '';
  return `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<c:chartSpace xmlns:c="${NS.c}" xmlns:a="${NS.a}" xmlns:r="${NS.r}"><c:lang val="zh-CN"/><c:roundedCorners val="0"/><c:chart><c:title>${richText(spec.title, 1200)}<c:overlay val="0"/></c:title><c:autoTitleDeleted val="0"/><c:plotArea><c:layout/>${plot}${catAx}${valAx}</c:plotArea>${legend}<c:plotVisOnly val="1"/><c:dispBlanksAs val="gap"/></c:chart></c:chartSpace>`;
}

/** xl/drawings/drawingN.xml: one two-cell anchor per chart, each pointing at its chart part. */
export function drawingXml(charts: readonly { readonly spec: ChartSpec; readonly relId: string }[]): string {
  const anchors = charts.map(({ spec, relId }, i) => {
    const [fromCol, fromRow] = spec.anchor.from;
    const [toCol, toRow] = spec.anchor.to;
    return `<xdr:twoCellAnchor editAs="oneCell"><xdr:from><xdr:col>${fromCol}</xdr:col><xdr:colOff>0</xdr:colOff><xdr:row>${fromRow}</xdr:row><xdr:rowOff>0</xdr:rowOff></xdr:from><xdr:to><xdr:col>${toCol}</xdr:col><xdr:colOff>0</xdr:colOff><xdr:row>${toRow}</xdr:row><xdr:rowOff>0</xdr:rowOff></xdr:to><xdr:graphicFrame macro=""><xdr:nvGraphicFramePr><xdr:cNvPr id="${i + 2}" name="Chart ${i + 1}" descr="${xml(spec.title)}"/><xdr:cNvGraphicFramePr/></xdr:nvGraphicFramePr><xdr:xfrm><a:off x="0" y="0"/><a:ext cx="0" cy="0"/></xdr:xfrm><a:graphic><a:graphicData uri="${NS.c}"><c:chart xmlns:c="${NS.c}" xmlns:r="${NS.r}" r:id="${relId}"/></a:graphicData></a:graphic></xdr:graphicFrame><xdr:clientData/></xdr:twoCellAnchor>`;
  });
  return `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<xdr:wsDr xmlns:xdr="${NS.xdr}" xmlns:a="${NS.a}">${anchors.join('')}</xdr:wsDr>`;
}
