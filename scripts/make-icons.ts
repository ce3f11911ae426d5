/**
 * Draws the Teams app icons, an "RD" monogram, and writes them to manifest/:
 * color.png (192x192, white letters on the accent colour) and outline.png (32x32, white on transparent).
 * Run with `npx tsx scripts/make-icons.ts`; the PNGs are committed, so this is only needed to change them.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { encodePng, type RgbaImage } from './png';

/** The color icon's background; the manifest's accentColor is the same colour. */
export const ACCENT_COLOR = '#2E5AAC';

type Shape = (x: number, y: number) => boolean;

interface Box {
  readonly x: number;
  readonly y: number;
  readonly w: number;
  readonly h: number;
}

// A "D": a stem joined to a half ellipse, hollowed out by the same shape inset by the stroke width.
function dShape(box: Box, stroke: number): Shape {
  const rx = box.w * 0.6;
  const cx = box.x + box.w - rx;
  const cy = box.y + box.h / 2;
  const within = (x: number, y: number, inset: number): boolean => {
    if (y < box.y + inset || y > box.y + box.h - inset || x < box.x + inset) return false;
    if (x <= cx) return true;
    const dx = (x - cx) / (rx - inset);
    const dy = (y - cy) / (box.h / 2 - inset);
    return dx * dx + dy * dy <= 1;
  };
  return (x, y) => within(x, y, 0) && !within(x, y, stroke);
}

function segmentShape(x1: number, y1: number, x2: number, y2: number, width: number, maxY: number): Shape {
  const [vx, vy] = [x2 - x1, y2 - y1];
  const lengthSquared = vx * vx + vy * vy;
  return (x, y) => {
    if (y > maxY) return false;
    const t = Math.max(0, Math.min(1, ((x - x1) * vx + (y - y1) * vy) / lengthSquared));
    const [dx, dy] = [x - (x1 + t * vx), y - (y1 + t * vy)];
    return dx * dx + dy * dy <= (width / 2) * (width / 2);
  };
}

// An "R": a full-height stem, a "D" bowl on the upper part and a diagonal leg.
function rShape(box: Box, stroke: number): Shape {
  const bowlHeight = box.h * 0.56;
  const bowl = dShape({ x: box.x, y: box.y, w: box.w * 0.94, h: bowlHeight }, stroke);
  const leg = segmentShape(
    box.x + box.w * 0.42,
    box.y + bowlHeight - stroke / 2,
    box.x + box.w - stroke / 2,
    box.y + box.h - stroke / 2,
    stroke,
    box.y + box.h,
  );
  return (x, y) =>
    (x >= box.x && x <= box.x + stroke && y >= box.y && y <= box.y + box.h) || bowl(x, y) || leg(x, y);
}

/** "RD" centred in a square of `size` pixels; letter sizes are given in pixels. */
function monogram(
  size: number,
  letterWidth: number,
  letterHeight: number,
  gap: number,
  stroke: number,
): Shape {
  const left = (size - (2 * letterWidth + gap)) / 2;
  const top = (size - letterHeight) / 2;
  const r = rShape({ x: left, y: top, w: letterWidth, h: letterHeight }, stroke);
  const d = dShape({ x: left + letterWidth + gap, y: top, w: letterWidth, h: letterHeight }, stroke);
  return (x, y) => r(x, y) || d(x, y);
}

/** How much of each pixel the shape covers, from 8x8 samples per pixel (anti-aliased edges). */
function coverage(size: number, shape: Shape): Float64Array {
  const samples = 8;
  const result = new Float64Array(size * size);
  for (let py = 0; py < size; py++) {
    for (let px = 0; px < size; px++) {
      let inside = 0;
      for (let sy = 0; sy < samples; sy++) {
        for (let sx = 0; sx < samples; sx++) {
          if (shape(px + (sx + 0.5) / samples, py + (sy + 0.5) / samples)) inside++;
        }
      }
      result[py * size + px] = inside / (samples * samples);
    }
  }
  return result;
}

function hexToRgb(hex: string): [number, number, number] {
  const value = Number.parseInt(hex.slice(1), 16);
  return [(value >> 16) & 0xff, (value >> 8) & 0xff, value & 0xff];
}

/** 192x192, full colour: white "RD" on the accent colour, inside the central 96x96 or so Teams recommends. */
export function drawColorIcon(): RgbaImage {
  const size = 192;
  const cover = coverage(size, monogram(size, 42, 80, 10, 12));
  const background = hexToRgb(ACCENT_COLOR);
  const rgba = new Uint8Array(size * size * 4);
  cover.forEach((amount, i) => {
    const [r, g, b] = background.map((channel) => Math.round(channel + (255 - channel) * amount));
    rgba.set([r ?? 0, g ?? 0, b ?? 0, 255], i * 4);
  });
  return { width: size, height: size, rgba };
}

/** 32x32: white "RD" on a fully transparent background (anti-aliased edges are white, partly transparent). */
export function drawOutlineIcon(): RgbaImage {
  const size = 32;
  const cover = coverage(size, monogram(size, 13, 22, 3, 3));
  const rgba = new Uint8Array(size * size * 4);
  cover.forEach((amount, i) => {
    const alpha = Math.round(amount * 255);
    rgba.set(alpha === 0 ? [0, 0, 0, 0] : [255, 255, 255, alpha], i * 4);
  });
  return { width: size, height: size, rgba };
}

if (require.main === module) {
  const dir = join(__dirname, '..', 'manifest');
  writeFileSync(join(dir, 'color.png'), encodePng(drawColorIcon()));
  writeFileSync(join(dir, 'outline.png'), encodePng(drawOutlineIcon()));
  process.stdout.write(`wrote ${join(dir, 'color.png')} and ${join(dir, 'outline.png')}\n`);
}
