import { element } from './dom';

/** What a panel fed by a request shows: a hint before it, a note while it runs, its failure or its answer. */
export type Loadable<T> =
  | { kind: 'empty' }
  | { kind: 'loading' }
  | { kind: 'failed'; message: string }
  | { kind: 'shown'; value: T };

/** The texts of the states that have no answer to show, read at each render (so they follow the locale). */
export interface LoadableTexts {
  empty: () => string;
  loading: () => string;
  failed: (message: string) => string;
}

/** Fills `body` for a state and names the state in its `data-state`. */
export function renderLoadable<T>(body: HTMLElement, state: Loadable<T>, texts: LoadableTexts, shown: (value: T) => Node[]): void {
  body.dataset.state = state.kind;
  switch (state.kind) {
    case 'empty':
      return body.replaceChildren(element('p', 'hint', texts.empty()));
    case 'loading':
      return body.replaceChildren(element('p', 'hint', texts.loading()));
    case 'failed':
      return body.replaceChildren(element('p', 'error', texts.failed(state.message)));
    case 'shown':
      return body.replaceChildren(...shown(state.value));
  }
}
