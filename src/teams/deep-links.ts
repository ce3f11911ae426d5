/** The workspace tab's entityId in manifest/manifest.json. */
export const WORKSPACE_TAB_ENTITY = 'workspace';

/** A Teams deep link that opens the app's workspace tab (a personal tab: /l/entity/<app id>/<entity id>). */
export function workspaceTabLink(teamsAppId: string): string {
  return `https://teams.microsoft.com/l/entity/${encodeURIComponent(teamsAppId)}/${WORKSPACE_TAB_ENTITY}`;
}
