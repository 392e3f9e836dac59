/**
 * Maps the header row of an upload to fields: built-in English/Chinese (simplified and
 * traditional) names plus the configuration's dimension ids, names and aliases. Matching
 * ignores case, width, spaces and simplified/traditional differences of common characters.
 */
import { namesOf } from '../../config/aliases.ts';
import { foldName } from '../../config/fold-name.ts';
import type { PlanConfig } from '../../config/schema.ts';
import { closestMatch } from '../../domain/suggest.ts';
import type { UploadKind } from '../../ports/index.ts';
import { UploadFileError } from './errors.ts';
import { type CellValue, cellText } from './normalize.ts';

export type FieldId =
  | 'period'
  | 'kpi'
  | 'value'
  | 'version'
  | 'id'
  | 'title'
  | 'owner'
  | 'start'
  | 'due'
  | 'weight'
  | 'progress'
  | 'status'
  | 'completedOn';

const BUILT_IN: Record<FieldId, readonly string[]> = {
  period: ['date', 'day', 'period', 'periodkey', '日期', '期间', '时间', '账期', '月份', '周次'],
  kpi: ['kpi', 'kpiid', 'metric', 'indicator', 'measure', '指标', '指标名称', '指标id', 'kpi名称'],
  value: [
    'value',
    'amount',
    'actual',
    'target',
    'figure',
    '数值',
    '值',
    '金额',
    '实际',
    '实际值',
    '目标',
    '目标值',
  ],
  version: ['version', 'targetversion', '版本', '目标版本', '预算版本'],
  id: ['id', 'milestoneid', 'milestone id', '编号', '里程碑编号', '里程碑id'],
  title: ['title', 'name', 'milestone', '标题', '名称', '里程碑', '里程碑名称', '事项'],
  owner: ['owner', 'responsible', '负责人', '责任人', '负责'],
  start: ['start', 'startdate', 'starton', '开始', '开始日期', '开始时间'],
  due: [
    'due',
    'duedate',
    'dueon',
    'deadline',
    'end',
    'enddate',
    '截止',
    '截止日期',
    '到期日',
    '完成期限',
    '计划完成',
  ],
  weight: ['weight', '权重'],
  progress: ['progress', 'percentcomplete', '进度', '完成度', '完成进度'],
  status: ['status', 'state', '状态'],
  completedOn: [
    'completedon',
    'completed',
    'completiondate',
    'donedate',
    'actualend',
    '完成日期',
    '实际完成',
    '实际完成日期',
  ],
};

const FIELDS: Record<UploadKind, { required: FieldId[]; optional: FieldId[] }> = {
  actuals: { required: ['period', 'kpi', 'value'], optional: [] },
  targets: { required: ['period', 'kpi', 'value'], optional: ['version'] },
  milestones: {
    required: ['id', 'title', 'owner', 'due'],
    optional: ['start', 'weight', 'progress', 'status', 'completedOn', 'kpi'],
  },
};

const FIELD_LABEL: Record<FieldId, string> = {
  period: 'date / 日期 (or period / 期间)',
  kpi: 'kpi / 指标',
  value: 'value / 数值',
  version: 'version / 版本',
  id: 'id / 编号',
  title: 'title / 标题',
  owner: 'owner / 负责人',
  start: 'start / 开始日期',
  due: 'due / 截止日期',
  weight: 'weight / 权重',
  progress: 'progress / 进度',
  status: 'status / 状态',
  completedOn: 'completedOn / 完成日期',
};

export interface HeaderMap {
  /** Column index of each field present. */
  readonly fields: Partial<Record<FieldId, number>>;
  /** Column index of each dimension present, by dimension id. */
  readonly dimensions: Readonly<Record<string, number>>;
  /** Header text as written, by column index. */
  readonly headers: readonly string[];
}

/** Maps a header row; throws {@link UploadFileError} for a missing, duplicate or misspelt column. */
export function mapHeaders(cells: readonly CellValue[], kind: UploadKind, config: PlanConfig): HeaderMap {
  const { required, optional } = FIELDS[kind];
  const lookup = new Map<string, { field?: FieldId; dimension?: string }>();
  for (const field of [...required, ...optional]) {
    for (const alias of [field, ...BUILT_IN[field]]) lookup.set(foldName(alias), { field });
  }
  for (const dim of config.dimensions) {
    for (const alias of namesOf(dim)) {
      const key = foldName(alias);
      if (!lookup.has(key)) lookup.set(key, { dimension: dim.id });
    }
  }
  const headers = cells.map((c) => cellText(c).trim());
  const fields: Partial<Record<FieldId, number>> = {};
  const dimensions: Record<string, number> = {};
  const knownNames = [...lookup.keys()];
  headers.forEach((header, index) => {
    if (header === '') return;
    const key = foldName(header);
    const hit = lookup.get(key);
    if (!hit) {
      const close = closestMatch(key, knownNames);
      if (close && key.length >= 3) {
        throw new UploadFileError(
          `Column "${header}" is not a known column. Did you mean "${close}"? Rename the header and upload again (unknown columns are only ignored when they are clearly not a typo). 列名“${header}”无法识别。`,
          'unknown_column',
          header,
        );
      }
      return; // an extra column such as 备注 / notes
    }
    const previous = hit.field !== undefined ? fields[hit.field] : dimensions[hit.dimension!];
    if (previous !== undefined) {
      throw new UploadFileError(
        `Columns "${headers[previous]}" and "${header}" both mean ${hit.field ? FIELD_LABEL[hit.field] : `dimension ${hit.dimension}`}: keep one of them and upload again. 列重复。`,
        'duplicate_column',
        header,
      );
    }
    if (hit.field !== undefined) fields[hit.field] = index;
    else dimensions[hit.dimension!] = index;
  });
  const missing = required.filter((f) => fields[f] === undefined);
  if (missing.length > 0) {
    throw new UploadFileError(
      `Missing required column(s): ${missing.map((f) => FIELD_LABEL[f]).join(', ')}. The header row (row 1) has: ${headers.filter(Boolean).join(', ') || '(nothing)'}. Add the column(s) with one of these headers and upload again. 缺少必填列。`,
      'missing_column',
      missing.map((f) => f).join(', '),
    );
  }
  return { fields, dimensions, headers };
}
