import type { Page } from 'playwright-core';

/**
 * A stand-in for the Teams client around the tab: a page that frames /tab and answers the teams-js messages
 * the tab sends (initialize, getContext, authentication.getAuthToken), the way Teams does over postMessage.
 * It is served from the tab's own origin, an origin teams-js accepts messages from, so no real Teams domain is
 * needed. `issueToken` (exposed by the test) mints each SSO token; `setTheme` sends Teams' themeChange.
 */

export interface FakeTeamsHost {
  /** Every teams-js call the tab made, in order (function names). */
  calls(): Promise<string[]>;
  setTheme(theme: 'default' | 'dark' | 'contrast'): Promise<void>;
}

const HOST_PATH = '/__fake-teams-host';

export async function openInFakeTeams(
  page: Page,
  baseUrl: string,
  options: { theme: 'default' | 'dark' | 'contrast'; issueToken: () => Promise<string> },
): Promise<FakeTeamsHost> {
  await page.exposeFunction('issueToken', options.issueToken);
  await page.route(`${baseUrl}${HOST_PATH}`, (route) =>
    route.fulfill({ status: 200, contentType: 'text/html; charset=utf-8', body: hostPage(options.theme) }),
  );
  await page.goto(`${baseUrl}${HOST_PATH}`);
  return {
    calls: () => page.evaluate<string[]>('window.hostCalls.slice()'),
    setTheme: async (theme) => {
      await page.evaluate(`window.sendToTab({ func: 'themeChange', args: [${JSON.stringify(theme)}] })`);
    },
  };
}

function hostPage(theme: string): string {
  const runtime = JSON.stringify({
    apiVersion: 4,
    hostVersionsInfo: { adaptiveCardSchemaVersion: { majorVersion: 1, minorVersion: 5 } },
    isLegacyTeams: false,
    supports: {
      appInstallDialog: {},
      dialog: { card: {}, url: {}, update: {} },
      pages: { appButton: {}, tabs: {} },
    },
  });
  const context = JSON.stringify({
    locale: 'en-us',
    theme,
    entityId: 'workspace',
    frameContext: 'content',
    hostClientType: 'web',
    hostName: 'Teams',
    userObjectId: 'aad-alex',
    tid: 'tenant-1',
    loginHint: 'alex@example.com',
    userPrincipalName: 'alex@example.com',
    appSessionId: 'session-1',
  });
  return `<!doctype html>
<html><head><meta charset="utf-8"><title>Fake Teams</title>
<style>html,body{margin:0;height:100%}iframe{border:0;width:100%;height:100%}</style></head>
<body><iframe id="tab" title="Relaydesk workspace" src="/tab"></iframe>
<script>
  const frame = document.getElementById('tab');
  window.hostCalls = [];
  window.sendToTab = (message) => frame.contentWindow.postMessage(message, location.origin);
  const reply = (request, args) =>
    window.sendToTab({ id: request.id, uuidAsString: request.uuidAsString, args });
  window.addEventListener('message', async (event) => {
    if (event.source !== frame.contentWindow) return;
    const request = event.data;
    if (!request || typeof request.func !== 'string') return;
    window.hostCalls.push(request.func);
    switch (request.func) {
      case 'initialize':
        reply(request, ['content', 'web', ${JSON.stringify(runtime)}, '2.0.0']);
        break;
      case 'getContext':
        reply(request, [${context}]);
        break;
      case 'authentication.getAuthToken':
        reply(request, [true, await window.issueToken()]);
        break;
      default:
        break;
    }
  });
</script></body></html>`;
}
