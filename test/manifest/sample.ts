import { loadConfig, type Config, type Env } from '../../src/config/config';

export const APP_ID = '2b1f4e36-0c9d-4d1a-9f3e-7a6b5c4d3e21';
export const APP_VERSION = '1.2.3';

/** The environment of a registered bot deployed at an https address. */
export const SAMPLE_ENV = {
  MicrosoftAppId: APP_ID,
  MicrosoftAppPassword: 'pa55-word',
  AGENT_IDS: 'aad-1',
  PUBLIC_BASE_URL: 'https://desk.example.com',
} as const;

export function configFrom(env: Env): Config {
  const result = loadConfig(env);
  if (!result.ok) throw new Error(`expected a valid config, got:\n${result.errors.join('\n')}`);
  return result.config;
}
