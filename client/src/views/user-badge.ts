import type { SignedInUser } from '../api/auth-api';
import { onLocaleChange, t, translatedElement } from '../i18n';
import { element } from './dom';

/**
 * The header's user badge: who is signed in, their role and the area they may see and change
 * (name and code, or every area), with the sign-out button.
 */
export class UserBadge {
  readonly element = element('div', 'user-badge');
  private readonly name = element('span', 'user-name');
  private readonly role = element('span', 'user-role');
  private readonly area = element('span', 'user-area');
  private readonly signOutButton = translatedElement('button', 'user.signOut', 'sign-out');

  constructor(
    private readonly user: SignedInUser,
    signOut: () => void,
  ) {
    this.element.id = 'user-badge';
    this.element.dataset.username = user.name;
    this.element.dataset.role = user.role;
    this.element.dataset.areaCode = user.area?.code ?? '';
    this.name.id = 'user-name';
    this.role.id = 'user-role';
    this.area.id = 'user-area';
    this.signOutButton.id = 'sign-out';
    this.signOutButton.type = 'button';
    this.signOutButton.addEventListener('click', () => {
      this.signOutButton.disabled = true;
      signOut();
    });
    this.element.append(element('span', 'user-who', this.name, this.role, this.area), this.signOutButton);
    onLocaleChange(() => this.render());
    this.render();
  }

  /** Lets the button be pressed again after a sign-out that failed. */
  signOutFailed(): void {
    this.signOutButton.disabled = false;
  }

  private render(): void {
    const { name, role, area } = this.user;
    this.element.title = t('user.badgeTitle');
    this.name.textContent = name;
    this.role.textContent = t(`role.${role}`);
    this.area.textContent = area ? (area.name ? `${area.name} · ${area.code}` : area.code) : t('user.allAreas');
  }
}
