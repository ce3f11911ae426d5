/**
 * The downloads of the agent and supervisor APIs (src/web/export-routes.ts): restify route patterns for the server,
 * paths for the tab, which fetches each with its token and saves it (a plain link could not carry the token).
 *
 *   GET /api/agent/sessions/:sessionId/transcript.txt                       the agent's own session, text
 *   GET /api/supervisor/conversations/:workItemId/transcript.txt            any conversation, text (supervisors)
 *   GET /api/supervisor/conversations.csv?from=YYYY-MM-DD&to=YYYY-MM-DD     conversations created then, CSV (supervisors)
 */
export const EXPORT_ROUTES = {
  agentTranscript: '/api/agent/sessions/:sessionId/transcript.txt',
  supervisorTranscript: '/api/supervisor/conversations/:workItemId/transcript.txt',
  conversationsCsv: '/api/supervisor/conversations.csv',
} as const;

export const EXPORT_PATHS = {
  agentTranscript: (sessionId: string) =>
    `/api/agent/sessions/${encodeURIComponent(sessionId)}/transcript.txt`,
  supervisorTranscript: (workItemId: string) =>
    `/api/supervisor/conversations/${encodeURIComponent(workItemId)}/transcript.txt`,
  conversationsCsv: (from: string, to: string) =>
    `/api/supervisor/conversations.csv?${new URLSearchParams({ from, to }).toString()}`,
} as const;
