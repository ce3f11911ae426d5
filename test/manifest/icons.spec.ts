import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildAppPackage, checkIcons, ICONS, MANIFEST_DIR } from '../../scripts/app-package';
import { ACCENT_COLOR, drawColorIcon, drawOutlineIcon } from '../../scripts/make-icons';
import { decodePng, encodePng, readPngHeader, type RgbaImage } from '../../scripts/png';
import { APP_VERSION, configFrom, SAMPLE_ENV } from './sample';

const color = readFileSync(join(MANIFEST_DIR, 'color.png'));
const outline = readFileSync(join(MANIFEST_DIR, 'outline.png'));
// Drawn once: the colour icon takes a moment (8x8 samples a pixel).
const drawn = { color: drawColorIcon(), outline: drawOutlineIcon() };

function pixel(image: RgbaImage, x: number, y: number): number[] {
  const at = (y * image.width + x) * 4;
  return [...image.rgba.subarray(at, at + 4)];
}

function solid(size: number, rgba: readonly number[]): RgbaImage {
  const data = new Uint8Array(size * size * 4);
  for (let i = 0; i < size * size; i++) data.set(rgba, i * 4);
  return { width: size, height: size, rgba: data };
}

describe('the icons', () => {
  it('are PNGs of the sizes Teams requires: color 192x192, outline 32x32', () => {
    expect(readPngHeader(color)).toMatchObject({ width: 192, height: 192 });
    expect(readPngHeader(outline)).toMatchObject({ width: 32, height: 32 });
    expect(ICONS).toEqual({
      color: { file: 'color.png', width: 192, height: 192 },
      outline: { file: 'outline.png', width: 32, height: 32 },
    });
    expect(checkIcons({ 'color.png': color, 'outline.png': outline })).toEqual([]);
  });

  it('has an outline icon that is white where it is not transparent, with both present', () => {
    const image = decodePng(outline);
    let white = 0;
    let transparent = 0;
    for (let i = 0; i < image.rgba.length; i += 4) {
      const [r, g, b, a] = image.rgba.subarray(i, i + 4);
      if (a === 0) transparent++;
      else {
        expect([r, g, b]).toEqual([255, 255, 255]);
        if (a === 255) white++;
      }
    }
    expect(white).toBeGreaterThan(100);
    expect(transparent).toBeGreaterThan(400);
    expect(pixel(image, 0, 0)[3]).toBe(0);
  });

  it('has a full-colour, opaque colour icon on the accent colour with a white monogram', () => {
    const image = decodePng(color);
    const accent = [1, 3, 5].map((at) => Number.parseInt(ACCENT_COLOR.slice(at, at + 2), 16));
    expect(pixel(image, 0, 0)).toEqual([...accent, 255]);
    expect(pixel(image, 191, 191)).toEqual([...accent, 255]);
    let opaque = 0;
    let white = 0;
    for (let i = 0; i < image.rgba.length; i += 4) {
      if (image.rgba[i + 3] === 255) opaque++;
      if (image.rgba[i] === 255 && image.rgba[i + 1] === 255 && image.rgba[i + 2] === 255) white++;
    }
    expect(opaque).toBe(192 * 192);
    expect(white).toBeGreaterThan(1000);
  });

  it('are what scripts/make-icons.ts draws (so they can be redrawn)', () => {
    expect(decodePng(color)).toEqual(drawn.color);
    expect(decodePng(outline)).toEqual(drawn.outline);
  });

  it('refuses a wrong size, a coloured outline pixel, a non-PNG and a missing icon', () => {
    expect(checkIcons({ 'color.png': encodePng(solid(96, [1, 2, 3, 255])), 'outline.png': outline })).toEqual(
      ['color.png: is 96x96; the color icon must be 192x192'],
    );
    expect(checkIcons({ 'color.png': color, 'outline.png': encodePng(solid(32, [0, 0, 0, 255])) })).toEqual([
      'outline.png: pixel (0, 0) is neither white nor transparent; the outline icon must be white on a transparent background',
    ]);
    expect(checkIcons({ 'color.png': Buffer.from('GIF89a'), 'outline.png': undefined })).toEqual([
      'color.png: not a PNG file',
      'outline.png: the outline icon is missing',
    ]);
  });
});

describe('the PNG reader', () => {
  it.each([0, 1, 2, 3, 4] as const)('decodes what the encoder writes with row filter %i', (filter) => {
    for (const image of [drawn.outline, drawn.color]) {
      expect(decodePng(encodePng(image, filter))).toEqual(image);
    }
  });

  it('refuses what it cannot read', () => {
    expect(() => readPngHeader(Buffer.from('not a png at all, not even close'))).toThrow('not a PNG file');
    const sixteenBit = Buffer.from(outline);
    sixteenBit.writeUInt8(16, 24);
    expect(() => decodePng(sixteenBit)).toThrow('unsupported PNG: bit depth 16, colour type 6');
  });
});

describe('a package from a broken manifest folder', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'relaydesk-manifest-'));
  });
  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('is not built, and every problem is named', () => {
    const template = JSON.parse(readFileSync(join(MANIFEST_DIR, 'manifest.json'), 'utf8')) as Record<
      string,
      unknown
    >;
    writeFileSync(
      join(dir, 'manifest.json'),
      JSON.stringify({ ...template, accentColor: 'teal', name: { short: '{{APP_NAME}}' } }),
    );
    copyFileSync(join(MANIFEST_DIR, 'outline.png'), join(dir, 'color.png'));
    const result = buildAppPackage({
      config: configFrom(SAMPLE_ENV),
      appVersion: APP_VERSION,
      manifestDir: dir,
    });
    expect(result).toEqual({
      ok: false,
      warnings: [],
      errors: [
        'manifest.json /name/short: the placeholder {{APP_NAME}} has no value',
        expect.stringMatching(/^manifest\.json \/accentColor: must match pattern/),
        'color.png: is 32x32; the color icon must be 192x192',
        'outline.png: the outline icon is missing',
      ],
    });
  });

  it('says so when manifest.json is not JSON', () => {
    writeFileSync(join(dir, 'manifest.json'), '{ nope');
    const result = buildAppPackage({
      config: configFrom(SAMPLE_ENV),
      appVersion: APP_VERSION,
      manifestDir: dir,
    });
    expect(result).toEqual({
      ok: false,
      warnings: [],
      errors: [expect.stringMatching(/^manifest\.json: cannot read it \(/)],
    });
  });
});
