import type { Proposal, WorkloadBalance, WorkloadFigures } from '../../api/overlay-types';
import { formatNumber, onLocaleChange, t, translatedElement } from '../../i18n';
import { can } from '../access';
import { element } from '../dom';
import { formatPercent } from '../format';

const DEFAULT_TOLERANCE_PERCENT = 20;

/** What the panel asks its owner to do. */
export interface ProposalActions {
  preview(balance: WorkloadBalance | undefined): Promise<Proposal>;
  clear(): void;
  /** Accepts the previewed proposal under `name` (server default when empty); answers the new plan's id. */
  accept(balance: WorkloadBalance | undefined, name: string | undefined): Promise<number>;
}

/**
 * The aligned proposal (警格网格双格联动): preview it on the map (every comprehensive grid whole in
 * one overlay grid), optionally balancing workloads by households, see how many grids change
 * overlay grid and the workload spread before and after, then accept it as a new draft plan
 * (with overlay:edit only).
 */
export class ProposalPanel {
  readonly element: HTMLElement;
  private readonly previewButton = translatedElement('button', 'police.proposal.preview', 'button button-primary');
  private readonly clearButton = translatedElement('button', 'police.proposal.clear', 'button button-quiet');
  private readonly balanceBox = element('input', '');
  private readonly toleranceInput = element('input', 'input input-number');
  private readonly result = element('div', 'proposal-result');
  private readonly nameInput = element('input', 'input');
  private readonly acceptButton = translatedElement('button', 'police.proposal.accept', 'button');
  private readonly message = element('p', 'form-error');
  private readonly acceptRow: HTMLElement;
  private proposal: Proposal | null = null;
  private busy = false;
  private ready = false;

  constructor(private readonly actions: ProposalActions) {
    this.previewButton.type = 'button';
    this.previewButton.id = 'police-preview';
    this.previewButton.addEventListener('click', () => void this.preview());
    this.clearButton.type = 'button';
    this.clearButton.id = 'police-clear-preview';
    this.clearButton.addEventListener('click', () => this.clear());
    this.balanceBox.type = 'checkbox';
    this.balanceBox.id = 'police-balance';
    this.toleranceInput.type = 'number';
    this.toleranceInput.id = 'police-tolerance';
    this.toleranceInput.min = '1';
    this.toleranceInput.max = '100';
    this.toleranceInput.value = String(DEFAULT_TOLERANCE_PERCENT);
    const balanceLabel = element('label', 'targets-kind', this.balanceBox, translatedElement('span', 'police.proposal.balance'));
    const balanceRow = element('div', 'balance-row', balanceLabel, element('span', 'targets-unit', '±'), this.toleranceInput, element('span', 'targets-unit', '%'));
    this.nameInput.id = 'police-plan-name';
    this.acceptButton.type = 'button';
    this.acceptButton.id = 'police-accept';
    this.acceptButton.addEventListener('click', () => void this.accept());
    this.message.id = 'police-proposal-message';
    const nameLabel = translatedElement('label', 'police.proposal.planName', 'form-label');
    nameLabel.htmlFor = this.nameInput.id;
    this.acceptRow = element('div', 'accept-row', element('div', 'form-row', nameLabel, this.nameInput), this.acceptButton);
    this.element = element(
      'section',
      'panel-section',
      translatedElement('h2', 'police.proposal.title'),
      translatedElement('p', 'police.proposal.hint', 'hint'),
      balanceRow,
      element('div', 'button-row', this.previewButton, this.clearButton),
      this.result,
      this.acceptRow,
      this.message,
    );
    this.element.id = 'police-proposal';
    onLocaleChange(() => this.render());
    this.render();
  }

  /**
   * Whether there is a pair of plans to propose for. Leaving one drops the preview and the last
   * message; the pair analysed after an accept keeps the message saying so.
   */
  setReady(ready: boolean): void {
    this.ready = ready;
    this.proposal = null;
    if (!ready) this.message.textContent = '';
    this.render();
  }

  private balance(): WorkloadBalance | undefined {
    const tolerance = Number(this.toleranceInput.value);
    if (!this.balanceBox.checked || !(tolerance > 0)) return undefined;
    return { balance: 'households', tolerance: tolerance / 100 };
  }

  private async preview(): Promise<void> {
    await this.run(async () => {
      this.proposal = await this.actions.preview(this.balance());
    });
  }

  private clear(): void {
    this.proposal = null;
    this.message.textContent = '';
    this.actions.clear();
    this.render();
  }

  private async accept(): Promise<void> {
    await this.run(async () => {
      const planId = await this.actions.accept(this.balance(), this.nameInput.value.trim() || undefined);
      this.proposal = null;
      this.nameInput.value = '';
      this.message.classList.add('ok');
      this.message.textContent = t('police.proposal.accepted', { id: planId });
    });
  }

  /** Runs one request with the buttons disabled; a failure shows the server's message. */
  private async run(request: () => Promise<void>): Promise<void> {
    this.busy = true;
    this.message.classList.remove('ok');
    this.message.textContent = '';
    this.render();
    try {
      await request();
    } catch (error) {
      this.message.textContent = (error as Error).message;
    } finally {
      this.busy = false;
      this.render();
    }
  }

  private render(): void {
    this.element.dataset.busy = String(this.busy);
    this.previewButton.disabled = !this.ready || this.busy;
    this.clearButton.hidden = this.proposal === null;
    // Accepting writes a plan (overlay:edit); without it a proposal can be previewed, not accepted.
    this.acceptRow.hidden = this.proposal === null || !can('overlay:edit');
    this.acceptButton.disabled = this.busy;
    this.nameInput.placeholder = t('police.proposal.planNamePlaceholder');
    if (this.busy && !this.proposal) return this.result.replaceChildren(element('p', 'hint', t('police.proposal.working')));
    this.result.replaceChildren(...(this.proposal ? proposalDetails(this.proposal) : []));
  }
}

function proposalDetails(proposal: Proposal): HTMLElement[] {
  const changed = element(
    'p',
    'proposal-changed',
    t('police.proposal.changed', { count: formatNumber(proposal.changed), overlays: formatNumber(proposal.overlayGrids) }),
  );
  changed.id = 'police-changed';
  changed.dataset.value = String(proposal.changed);
  const parts = [changed, workloadTable(proposal.workload)];
  if (proposal.balanceMoves > 0) {
    parts.push(element('p', 'hint', t('police.proposal.balanceMoves', { count: formatNumber(proposal.balanceMoves) })));
  }
  return parts;
}

function workloadTable({ today, proposed }: Proposal['workload']): HTMLElement {
  const rows: [label: string, value: (figures: WorkloadFigures) => string][] = [
    [t('police.workload.count'), (figures) => formatNumber(figures.overlayGrids)],
    [t('police.workload.min'), (figures) => formatNumber(figures.minHouseholds)],
    [t('police.workload.max'), (figures) => formatNumber(figures.maxHouseholds)],
    [t('police.workload.mean'), (figures) => formatNumber(figures.meanHouseholds)],
    [t('police.workload.cv'), (figures) => formatPercent(figures.cv, 1)],
  ];
  const head = element(
    'tr',
    '',
    element('th', '', t('police.workload.title')),
    element('th', 'num', t('police.workload.today')),
    element('th', 'num', t('police.workload.proposed')),
  );
  const body = element('tbody', '');
  for (const [label, value] of rows) {
    body.append(element('tr', '', element('td', '', label), element('td', 'num', value(today)), element('td', 'num', value(proposed))));
  }
  const table = element('table', 'figures-table', element('thead', '', head), body);
  table.id = 'police-workload';
  return table;
}
