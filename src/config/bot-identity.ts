import type { EnvReader } from './env-reader';

/**
 * The bot's identity under two spellings: the names the Teams developer CLI writes (`teams app create --env .env`),
 * and Bot Framework's older names, kept as aliases. Either spelling works; both set to different values is an error.
 */
export const IDENTITY_KEYS = {
  id: { current: 'CLIENT_ID', alias: 'MicrosoftAppId' },
  secret: { current: 'CLIENT_SECRET', alias: 'MicrosoftAppPassword' },
  tenant: { current: 'TENANT_ID', alias: 'MicrosoftAppTenantId' },
} as const;

type IdentityPart = keyof typeof IDENTITY_KEYS;

/** The key each part of the identity is named by in error lines: the spelling the operator used. */
export type IdentityKeyNames = Readonly<Record<IdentityPart, string>>;

export interface BotIdentity {
  readonly id: string;
  readonly secret: string;
  readonly tenant: string;
  readonly names: IdentityKeyNames;
}

const PARTS = Object.keys(IDENTITY_KEYS) as IdentityPart[];

/** Reads CLIENT_ID / CLIENT_SECRET / TENANT_ID, or their aliases; '' for a part that neither spelling sets. */
export function readBotIdentity(env: EnvReader): BotIdentity {
  // One spelling names all three in messages: the Teams CLI's as soon as one of its keys is set.
  const spelling = PARTS.some((part) => env.raw(IDENTITY_KEYS[part].current) !== undefined)
    ? 'current'
    : 'alias';
  const names = Object.fromEntries(PARTS.map((part) => [part, IDENTITY_KEYS[part][spelling]])) as Record<
    IdentityPart,
    string
  >;
  const value = (part: IdentityPart): string => {
    const { current, alias } = IDENTITY_KEYS[part];
    const fromCurrent = env.raw(current);
    const fromAlias = env.raw(alias);
    if (fromCurrent !== undefined && fromAlias !== undefined && fromCurrent !== fromAlias) {
      // Neither value is shown: one of them is the client secret.
      env.reject(
        current,
        `${current} and ${alias}: both are set, to different values; set only one (${current} is the name the Teams CLI writes, ${alias} its older alias)`,
      );
    }
    return fromCurrent ?? fromAlias ?? '';
  };
  return { id: value('id'), secret: value('secret'), tenant: value('tenant'), names };
}
