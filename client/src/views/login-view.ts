import { fetchMe, signIn, type SignedInUser } from '../api/auth-api';
import { ApiError } from '../api/http';
import { getLocale, onLocaleChange, setLocale, t, translatedElement, type MessageKey } from '../i18n';
import { element } from './dom';

/** Why the sign-in page shows: the first visit, a session that ended under the user, a sign-out. */
export type SignInReason = 'start' | 'sessionEnded' | 'signedOut';

const NOTICE: Record<SignInReason, MessageKey | null> = {
  start: null,
  sessionEnded: 'login.sessionEnded',
  signedOut: 'login.signedOut',
};

/**
 * The sign-in page (登录): user name and password, the server's refusal said plainly, and why the
 * page shows when it was not the first visit (the session ended, the user signed out). It covers
 * the whole window, the app underneath included, until the server has opened a session.
 */
export class LoginView {
  readonly element = element('div', 'login-screen');
  private readonly form = element('form', 'login-card');
  private readonly notice = element('p', 'login-notice');
  private readonly username = element('input', 'input');
  private readonly password = element('input', 'input');
  private readonly submit = translatedElement('button', 'login.submit', 'button button-primary button-wide');
  private readonly problem = element('p', 'form-error');
  private reason: SignInReason = 'start';
  private waiting: ((user: SignedInUser) => void) | null = null;

  constructor() {
    this.element.id = 'login';
    this.element.hidden = true;
    this.form.noValidate = true;
    this.notice.id = 'login-notice';
    this.username.id = 'login-username';
    this.username.name = 'username';
    this.username.autocomplete = 'username';
    this.username.autocapitalize = 'none';
    this.username.spellcheck = false;
    this.password.id = 'login-password';
    this.password.name = 'password';
    this.password.type = 'password';
    this.password.autocomplete = 'current-password';
    this.submit.id = 'login-submit';
    this.submit.type = 'submit';
    this.problem.id = 'login-error';
    this.problem.setAttribute('role', 'alert');

    const localeSwitch = translatedElement('button', 'locale.switch', 'login-locale');
    localeSwitch.type = 'button';
    localeSwitch.addEventListener('click', () => setLocale(getLocale() === 'en' ? 'zh-CN' : 'en'));

    this.form.append(
      element('div', 'login-brand', translatedElement('h1', 'app.title'), translatedElement('p', 'app.subtitle', 'subtitle')),
      translatedElement('h2', 'login.title'),
      this.notice,
      field('login.username', this.username),
      field('login.password', this.password),
      this.submit,
      this.problem,
      localeSwitch,
    );
    this.form.addEventListener('submit', (event) => {
      event.preventDefault();
      void this.send();
    });
    this.element.append(this.form);
    onLocaleChange(() => this.renderNotice());
  }

  get showing(): boolean {
    return !this.element.hidden;
  }

  /** Shows the page and resolves with the user once the server has signed them in; the page is hidden then. */
  signIn(reason: SignInReason): Promise<SignedInUser> {
    this.reason = reason;
    this.renderNotice();
    this.problem.textContent = '';
    this.password.value = '';
    this.setBusy(false);
    this.element.hidden = false;
    (this.username.value ? this.password : this.username).focus();
    return new Promise((resolve) => (this.waiting = resolve));
  }

  /** Shows a problem met before the form was used (the server could not say who is signed in). */
  showProblem(message: string): void {
    this.problem.textContent = message;
  }

  private async send(): Promise<void> {
    const username = this.username.value.trim();
    const password = this.password.value;
    if (!username || !password) {
      this.problem.textContent = t('login.missing');
      return;
    }
    this.setBusy(true);
    this.problem.textContent = '';
    try {
      await signIn(username, password);
      const user = await fetchMe();
      if (!user) throw new Error(t('auth.error.sessionEnded'));
      this.password.value = '';
      this.element.hidden = true;
      const waiting = this.waiting;
      this.waiting = null;
      waiting?.(user);
    } catch (error) {
      this.password.value = '';
      this.problem.textContent = problemOf(error);
      this.password.focus();
    } finally {
      this.setBusy(false);
    }
  }

  private setBusy(busy: boolean): void {
    this.form.dataset.busy = String(busy);
    this.submit.disabled = busy;
    this.submit.textContent = t(busy ? 'login.working' : 'login.submit');
    this.submit.dataset.i18n = busy ? 'login.working' : 'login.submit';
  }

  private renderNotice(): void {
    const key = NOTICE[this.reason];
    this.notice.textContent = key ? t(key) : '';
    this.notice.hidden = key === null;
    this.notice.dataset.reason = this.reason;
  }
}

function field(labelKey: MessageKey, input: HTMLInputElement): HTMLElement {
  const label = translatedElement('label', labelKey, 'form-label');
  label.htmlFor = input.id;
  return element('div', 'login-field', label, input);
}

function problemOf(error: unknown): string {
  if (error instanceof ApiError && error.code === 'invalid_credentials') return t('login.invalid');
  return t('login.failed', { message: error instanceof Error ? error.message : String(error) });
}
