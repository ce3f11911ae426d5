import { AgentApiError } from './api-error';
import { h } from './dom';
import type { DevSignInTokens } from './dev-sign-in-tokens';

/** The dev sign-in form (anonymous mode only): `signedIn` starts the workspace once the server let the agent in. */
export function showSignIn(
  container: HTMLElement,
  tokens: DevSignInTokens,
  signedIn: () => void,
  error?: string,
): void {
  const input = h('input', { id: 'agent-id', name: 'agentId', autocomplete: 'username', required: true });
  const problem = h('p', { class: 'sign-in-error', role: 'alert' }, error ?? '');
  const form = h(
    'form',
    {
      class: 'sign-in',
      onsubmit: (event) => {
        event.preventDefault();
        const agentId = input.value.trim();
        if (!agentId) return;
        tokens.signIn(agentId).then(
          () => signedIn(),
          (failure: unknown) => (problem.textContent = signInProblem(failure)),
        );
      },
    },
    h('h1', {}, 'Relaydesk'),
    h('p', {}, 'Sign in to the agent workspace (local development).'),
    h('label', { for: 'agent-id' }, 'Agent id'),
    input,
    h('button', { class: 'button primary' }, 'Sign in'),
    problem,
    h(
      'p',
      { class: 'hint' },
      'Any id in AGENT_IDS, while the bot runs without CLIENT_ID. In Teams you are signed in with your Teams account.',
    ),
  );
  container.replaceChildren(form);
  container.removeAttribute('aria-busy');
  input.focus();
}

export function signInProblem(error: unknown): string {
  if (error instanceof AgentApiError) {
    if (error.status === 403 || error.status === 401) return `Not signed in: ${error.message}`;
    if (error.status === 404) return 'The dev sign-in is off: this server runs with a Microsoft app id.';
    return error.message;
  }
  return 'The server cannot be reached.';
}

/** Back to the sign-in form, on a fresh page so nothing of the last agent's workspace stays live. */
export function signOutDev(tokens: DevSignInTokens): void {
  tokens.signOut();
  const url = new URL(window.location.href);
  url.searchParams.delete('agent');
  window.location.replace(url);
}
