import { AgentApiClient, devSignIn, type TokenSource } from './api-client';
import { byId, h } from './dom';
import { DevSignInTokens } from './dev-sign-in-tokens';
import { connectTeams, toTheme, type Theme } from './host';
import { showSignIn, signInProblem, signOutDev } from './sign-in';
import { Workspace } from './workspace';

/** The folder the page is served from: the API and assets are resolved against it, so a path prefix works. */
const ROOT = new URL('.', window.location.href);

function applyTheme(theme: Theme): void {
  document.documentElement.dataset['theme'] = theme;
}

async function startWorkspace(
  container: HTMLElement,
  tokens: TokenSource,
  signOut?: () => void,
): Promise<void> {
  const workspace = new Workspace({ api: new AgentApiClient(ROOT, tokens), container, signOut });
  await workspace.start();
}

function startDevWorkspace(container: HTMLElement, tokens: DevSignInTokens): Promise<void> {
  return startWorkspace(container, tokens, () => signOutDev(tokens));
}

async function main(): Promise<void> {
  const container = byId('app');
  const params = new URLSearchParams(window.location.search);
  const dark = window.matchMedia?.('(prefers-color-scheme: dark)').matches;
  applyTheme(params.has('theme') ? toTheme(params.get('theme') ?? undefined) : dark ? 'dark' : 'default');

  const teams = await connectTeams(applyTheme);
  if (teams) {
    applyTheme(teams.theme);
    await startWorkspace(container, teams.tokens);
    return;
  }
  const tokens = new DevSignInTokens(
    (agentId, name) => devSignIn(ROOT, agentId, name),
    window.sessionStorage,
  );
  const signedIn = () => void startDevWorkspace(container, tokens);
  const agent = params.get('agent');
  // The name customers read ("You're now chatting with …"); without it the server's configured name applies.
  const name = params.get('name')?.trim() || undefined;
  if (agent && !tokens.isSignedInAs(agent, name)) {
    tokens.signOut();
    try {
      await tokens.signIn(agent, name);
    } catch (error) {
      showSignIn(container, tokens, signedIn, signInProblem(error));
      return;
    }
  }
  if (!tokens.agentId) {
    showSignIn(container, tokens, signedIn);
    return;
  }
  await startDevWorkspace(container, tokens);
}

main().catch((error: unknown) => {
  const container = document.getElementById('app');
  container?.replaceChildren(
    h(
      'div',
      { class: 'fatal', role: 'alert' },
      h('p', {}, 'The workspace could not start.'),
      h('p', {}, error instanceof Error ? error.message : String(error)),
      h('button', { type: 'button', class: 'button', onclick: () => window.location.reload() }, 'Try again'),
    ),
  );
  container?.removeAttribute('aria-busy');
});
