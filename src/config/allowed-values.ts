/** The values the enumerated keys accept, in their canonical spelling. */

export const APP_TYPES = ['MultiTenant', 'SingleTenant', 'UserAssignedMSI'] as const;
export type AppType = (typeof APP_TYPES)[number];

export const STORE_KINDS = ['sqlite', 'postgres', 'memory'] as const;
export type StoreKind = (typeof STORE_KINDS)[number];

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export const WEBCHAT_MODES = ['local', 'off'] as const;
export type WebchatMode = (typeof WEBCHAT_MODES)[number];

export const LOG_FORMATS = ['json', 'pretty'] as const;
export type LogFormat = (typeof LOG_FORMATS)[number];

/** CSAT_SURVEY: whether customers are asked "How did we do? (1–5)" after an End. */
export const SURVEY_MODES = ['on', 'off'] as const;
export type SurveyMode = (typeof SURVEY_MODES)[number];
