/**
 * Builds the Teams app package: fills manifest/manifest.json's {{placeholders}} from the config, validates the
 * result against the official Teams manifest JSON schema (from @microsoft/app-manifest, offline), checks the
 * icons and zips manifest.json, color.png and outline.png. Used by scripts/package-app.ts and the tests; the
 * server never imports it.
 */
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import Ajv, { type ErrorObject, type ValidateFunction } from 'ajv-draft-04';
import { strToU8, zipSync } from 'fflate';
import type { PackageConfig } from '../src/config/config';
import { decodePng, readPngHeader } from './png';

/** The folder with manifest.json and the icons. */
export const MANIFEST_DIR = join(__dirname, '..', 'manifest');
export const PACKAGE_FILE_NAME = 'relaydesk-teams-app.zip';

/** The icons the manifest names, with the sizes Teams requires. */
export const ICONS = {
  color: { file: 'color.png', width: 192, height: 192 },
  outline: { file: 'outline.png', width: 32, height: 32 },
} as const;

export type { PackageConfig };

export type BuildResult =
  | {
      readonly ok: true;
      readonly manifest: Record<string, unknown>;
      /** File name → bytes, as they go into the zip. */
      readonly files: Readonly<Record<string, Uint8Array>>;
      readonly zip: Uint8Array;
      readonly warnings: readonly string[];
    }
  | { readonly ok: false; readonly errors: readonly string[]; readonly warnings: readonly string[] };

const GUID = /^[0-9a-fA-F]{8}-(?:[0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}$/;
const SCHEMAS_PACKAGE = '@microsoft/app-manifest';
const SCHEMA_DIR = 'build/json-schemas/teams';

// Zip entries get one fixed time, so the same inputs give the same zip byte for byte.
const ZIP_TIME = new Date(2020, 0, 1);

/** The placeholder values for the manifest, or why the config cannot make a Teams package. */
export function placeholderValues(
  config: PackageConfig,
  appVersion: string,
): { values: Record<string, string>; errors: string[]; warnings: string[] } {
  const errors: string[] = [];
  const warnings: string[] = [];
  const appId = config.microsoftAppId;
  const key = config.appIdKey ?? 'CLIENT_ID';
  if (appId === '') {
    errors.push(
      `${key}: is required to build the Teams app package (the bot's Entra app (client) id, a GUID; MicrosoftAppId is its older name)`,
    );
  } else if (!GUID.test(appId)) {
    errors.push(
      `${key}: ${JSON.stringify(appId)} is not a GUID; the manifest needs the bot's Entra app (client) id`,
    );
  }
  const url = new URL(config.publicBaseUrl);
  if (url.protocol !== 'https:') {
    warnings.push(
      `PUBLIC_BASE_URL: ${config.publicBaseUrl} is not https; Teams loads the Workspace tab only over https, ` +
        'so set PUBLIC_BASE_URL to the https address Teams reaches this server at (a deployment or a tunnel)',
    );
  }
  const resource = `api://${url.host}/${appId}`;
  const audience = config.tabSsoAudience;
  if (audience !== '' && audience !== resource && audience !== appId) {
    warnings.push(
      `TAB_SSO_AUDIENCE: ${audience} is neither the manifest's SSO resource (${resource}) nor the app id; ` +
        "the tab's SSO tokens will carry one of those, so the agent API would refuse them",
    );
  }
  return {
    values: {
      MicrosoftAppId: appId,
      TEAMS_APP_ID: config.teamsAppId,
      PUBLIC_BASE_URL: config.publicBaseUrl,
      PUBLIC_HOST: url.host,
      APP_VERSION: appVersion,
    },
    errors,
    warnings,
  };
}

/** Replaces every `{{NAME}}` in the template's strings; a name without a value is an error naming where it is. */
export function fillPlaceholders(
  template: unknown,
  values: Readonly<Record<string, string>>,
): { value: unknown; errors: string[] } {
  const errors: string[] = [];
  const fill = (node: unknown, path: string): unknown => {
    if (typeof node === 'string') {
      return node.replace(/\{\{\s*([A-Za-z0-9_]+)\s*\}\}/g, (whole, name: string) => {
        const value = values[name];
        if (value !== undefined) return value;
        errors.push(`${path || '/'}: the placeholder ${whole} has no value`);
        return whole;
      });
    }
    if (Array.isArray(node)) return node.map((item, index) => fill(item, `${path}/${index}`));
    if (typeof node === 'object' && node !== null) {
      return Object.fromEntries(
        Object.entries(node).map(([key, item]) => [key, fill(item, `${path}/${escapePointer(key)}`)]),
      );
    }
    return node;
  };
  return { value: fill(template, ''), errors };
}

function escapePointer(key: string): string {
  return key.replace(/~/g, '~0').replace(/\//g, '~1');
}

/** The manifest schema versions @microsoft/app-manifest bundles (v1.x only, not devPreview), oldest first. */
export function bundledSchemaVersions(): string[] {
  const dir = join(dirname(require.resolve(`${SCHEMAS_PACKAGE}/package.json`)), SCHEMA_DIR);
  return readdirSync(dir)
    .filter((name) => /^v1\.\d+$/.test(name))
    .map((name) => name.slice(1))
    .sort((a, b) => Number(a.split('.')[1]) - Number(b.split('.')[1]));
}

const validators = new Map<string, ValidateFunction>();

function validatorFor(version: string): ValidateFunction | undefined {
  const cached = validators.get(version);
  if (cached) return cached;
  if (!bundledSchemaVersions().includes(version)) return undefined;
  const path = require.resolve(`${SCHEMAS_PACKAGE}/${SCHEMA_DIR}/v${version}/MicrosoftTeams.schema.json`);
  const schema = JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
  // Not strict: the schema is Microsoft's, and it leaves out `type` next to some keywords, which strict mode flags.
  const ajv = new Ajv({ allErrors: true, strict: false });
  // The one format the schema uses (for "$schema"); ajv-formats is not needed for it.
  ajv.addFormat('uri', (value: string) => URL.canParse(value));
  const validate = ajv.compile(schema);
  validators.set(version, validate);
  return validate;
}

/**
 * Validates a filled manifest against the official schema of its own manifestVersion; [] when it is valid, else
 * one line per schema error, each starting with the JSON path of the offending value.
 */
export function validateManifest(manifest: unknown): string[] {
  const version =
    typeof manifest === 'object' && manifest !== null && 'manifestVersion' in manifest
      ? manifest.manifestVersion
      : undefined;
  if (typeof version !== 'string') return ['/manifestVersion: is missing or not a string'];
  const validate = validatorFor(version);
  if (!validate) {
    return [
      `/manifestVersion: "${version}" has no schema in ${SCHEMAS_PACKAGE} (bundled: ${bundledSchemaVersions().join(', ')})`,
    ];
  }
  if (validate(manifest)) return [];
  return (validate.errors ?? []).map(describeSchemaError);
}

function describeSchemaError(error: ErrorObject): string {
  const params = error.params as Record<string, unknown>;
  let detail = '';
  if (error.keyword === 'additionalProperties') detail = ` (${String(params['additionalProperty'])})`;
  else if (error.keyword === 'enum') detail = `: ${JSON.stringify(params['allowedValues'])}`;
  else if (error.keyword === 'const') detail = `: ${JSON.stringify(params['allowedValue'])}`;
  return `${error.instancePath || '/'}: ${error.message ?? error.keyword}${detail}`;
}

/** Checks that each icon is a PNG of the size Teams requires, and that the outline icon is white on transparent. */
export function checkIcons(files: Readonly<Record<string, Uint8Array | undefined>>): string[] {
  const errors: string[] = [];
  for (const [kind, icon] of Object.entries(ICONS)) {
    const bytes = files[icon.file];
    if (bytes === undefined) {
      errors.push(`${icon.file}: the ${kind} icon is missing`);
      continue;
    }
    let header;
    try {
      header = readPngHeader(bytes);
    } catch (error) {
      errors.push(`${icon.file}: ${error instanceof Error ? error.message : String(error)}`);
      continue;
    }
    if (header.width !== icon.width || header.height !== icon.height) {
      errors.push(
        `${icon.file}: is ${header.width}x${header.height}; the ${kind} icon must be ${icon.width}x${icon.height}`,
      );
      continue;
    }
    if (kind === 'outline') errors.push(...checkOutlinePixels(icon.file, bytes));
  }
  return errors;
}

function checkOutlinePixels(file: string, bytes: Uint8Array): string[] {
  let image;
  try {
    image = decodePng(bytes);
  } catch (error) {
    return [`${file}: cannot check its pixels (${error instanceof Error ? error.message : String(error)})`];
  }
  const { rgba, width } = image;
  for (let i = 0; i < rgba.length; i += 4) {
    const white = rgba[i] === 255 && rgba[i + 1] === 255 && rgba[i + 2] === 255;
    if (rgba[i + 3] !== 0 && !white) {
      const pixel = i / 4;
      return [
        `${file}: pixel (${pixel % width}, ${Math.floor(pixel / width)}) is neither white nor transparent; ` +
          'the outline icon must be white on a transparent background',
      ];
    }
  }
  return [];
}

/** Fills, validates and zips the package in memory; nothing is written. */
export function buildAppPackage(options: {
  config: PackageConfig;
  appVersion: string;
  manifestDir?: string;
}): BuildResult {
  const dir = options.manifestDir ?? MANIFEST_DIR;
  const { values, errors, warnings } = placeholderValues(options.config, options.appVersion);
  if (errors.length > 0) return { ok: false, errors, warnings };

  let template: unknown;
  try {
    template = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'));
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    return { ok: false, errors: [`manifest.json: cannot read it (${reason})`], warnings };
  }
  const filled = fillPlaceholders(template, values);
  const manifestErrors = [...filled.errors, ...validateManifest(filled.value)].map(
    (line) => `manifest.json ${line}`,
  );

  const icons: Record<string, Uint8Array | undefined> = {};
  for (const { file } of Object.values(ICONS)) {
    try {
      icons[file] = readFileSync(join(dir, file));
    } catch {
      icons[file] = undefined;
    }
  }
  const allErrors = [...manifestErrors, ...checkIcons(icons)];
  if (allErrors.length > 0) return { ok: false, errors: allErrors, warnings };

  const manifest = filled.value as Record<string, unknown>;
  const files: Record<string, Uint8Array> = {
    'manifest.json': strToU8(`${JSON.stringify(manifest, null, 2)}\n`),
  };
  for (const [file, bytes] of Object.entries(icons)) if (bytes) files[file] = bytes;
  const zip = zipSync(files, { level: 9, mtime: ZIP_TIME });
  return { ok: true, manifest, files, zip, warnings };
}

/** Writes the zip as `<outDir>/relaydesk-teams-app.zip` (the folder is created) and returns its path. */
export function writeAppPackage(zip: Uint8Array, outDir: string): string {
  mkdirSync(outDir, { recursive: true });
  const path = join(outDir, PACKAGE_FILE_NAME);
  writeFileSync(path, zip);
  return path;
}
