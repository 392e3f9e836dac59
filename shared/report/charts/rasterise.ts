/**
 * SVG → PNG with resvg compiled to WebAssembly: one build for the x86 developer machines and
 * CI and the arm64 Lambda (a native addon would need the right platform package in each),
 * and no install script. The wasm module and the font are loaded once per process.
 */
import { initWasm, Resvg } from '@resvg/resvg-wasm';
import { type ChartAssets, readChartAssets } from './chart-assets.ts';
import { CHART_FONT } from './svg.ts';

/** Pixels per CSS pixel: 2× keeps lines and CJK strokes sharp on phone and retina screens. */
export const PIXEL_RATIO = 2;

let ready: Promise<Uint8Array> | null = null;

/** Initialises the wasm module once (resvg allows one init per process) and keeps the font. */
function load(assets?: () => Promise<ChartAssets>): Promise<Uint8Array> {
  ready ??= (async () => {
    const { wasm, font } = await (assets ?? readChartAssets)();
    await initWasm(wasm);
    return font;
  })().catch((error: unknown) => {
    ready = null;
    throw error;
  });
  return ready;
}

/** The PNG of `svg` at {@link PIXEL_RATIO}× its own size, text in the bundled CJK font. */
export async function svgToPng(svg: string, assets?: () => Promise<ChartAssets>): Promise<Buffer> {
  const font = await load(assets);
  const resvg = new Resvg(svg, {
    fitTo: { mode: 'zoom', value: PIXEL_RATIO },
    font: {
      fontBuffers: [font],
      defaultFontFamily: CHART_FONT,
      sansSerifFamily: CHART_FONT,
      loadSystemFonts: false,
    },
    textRendering: 1,
  });
  try {
    const image = resvg.render();
    try {
      return Buffer.from(image.asPng());
    } finally {
      image.free();
    }
  } finally {
    resvg.free();
  }
}
