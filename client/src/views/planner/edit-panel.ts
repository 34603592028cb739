import { onLocaleChange, t, translatedElement, type MessageKey } from '../../i18n';
import { element } from '../dom';
import type { EditState, EditTools, Tool } from './edit-tools';
import type { OpenPlan } from './plan-session';

const TOOLS: { tool: Tool; titleKey: MessageKey; hintKey: MessageKey }[] = [
  { tool: 'select', titleKey: 'planner.edit.tool.select', hintKey: 'planner.edit.hint.select' },
  { tool: 'merge', titleKey: 'planner.edit.tool.merge', hintKey: 'planner.edit.hint.merge' },
  { tool: 'split', titleKey: 'planner.edit.tool.split', hintKey: 'planner.edit.hint.split' },
  { tool: 'paint', titleKey: 'planner.edit.tool.paint', hintKey: 'planner.edit.hint.paint' },
];

/** The editing tab: the tool switch, what to click next, the tool's action buttons, undo and redo. */
export class EditPanel {
  readonly element = element('div', 'edit-panel');
  private readonly toolButtons = new Map<Tool, HTMLButtonElement>();
  private readonly hint = element('p', 'hint');
  private readonly status = element('p', 'edit-status');
  private readonly mergeButton = actionButton('planner-merge', 'planner.edit.applyMerge', 'button-primary');
  private readonly splitButton = actionButton('planner-split', 'planner.edit.applySplit', 'button-primary');
  private readonly clearButton = actionButton('planner-clear', 'planner.edit.clear', 'button-quiet');
  private readonly undoButton = actionButton('planner-undo', 'planner.edit.undo', '');
  private readonly redoButton = actionButton('planner-redo', 'planner.edit.redo', '');
  private readonly problem = element('p', 'form-error');
  private open: OpenPlan | null = null;

  constructor(private readonly tools: EditTools) {
    this.element.id = 'planner-edit';
    const switcher = element('div', 'segmented');
    for (const { tool, titleKey } of TOOLS) {
      const button = translatedElement('button', titleKey, 'segment');
      button.type = 'button';
      button.dataset.tool = tool;
      button.addEventListener('click', () => tools.setTool(tool));
      this.toolButtons.set(tool, button);
      switcher.append(button);
    }
    this.mergeButton.addEventListener('click', () => void tools.merge());
    this.splitButton.addEventListener('click', () => void tools.split());
    this.clearButton.addEventListener('click', () => tools.clear());
    this.undoButton.addEventListener('click', () => void tools.undo());
    this.redoButton.addEventListener('click', () => void tools.redo());
    this.element.append(
      switcher,
      this.hint,
      this.status,
      element('div', 'button-row', this.mergeButton, this.splitButton, this.clearButton),
      element('div', 'button-row history', this.undoButton, this.redoButton),
      this.problem,
    );
    onLocaleChange(() => this.render());
    this.render();
  }

  showPlan(open: OpenPlan | null): void {
    this.open = open;
    this.render();
  }

  render(): void {
    const state = this.tools.current;
    const editable = this.open?.plan.status === 'draft';
    for (const [tool, button] of this.toolButtons) {
      button.setAttribute('aria-pressed', String(tool === state.tool));
      button.disabled = !editable && tool !== 'select';
    }
    const { hintKey } = TOOLS.find((entry) => entry.tool === state.tool)!;
    this.hint.textContent = editable ? t(hintKey) : t('planner.edit.readOnly');
    this.status.textContent = statusOf(state);
    this.mergeButton.hidden = state.tool !== 'merge';
    this.mergeButton.disabled = !this.tools.canMerge();
    this.splitButton.hidden = state.tool !== 'split';
    this.splitButton.disabled = !this.tools.canSplit();
    this.clearButton.hidden = state.tool === 'select';
    this.undoButton.disabled = !editable || state.busy || !this.open?.canUndo;
    this.redoButton.disabled = !editable || state.busy || !this.open?.canRedo;
    this.element.dataset.busy = String(state.busy);
    this.problem.textContent = state.error ? t('planner.edit.failed', { message: state.error }) : '';
  }
}

function statusOf(state: EditState): string {
  const grids = state.selected.join('、');
  switch (state.tool) {
    case 'select':
      return '';
    case 'merge':
      return state.selected.length === 0 ? '' : t('planner.edit.picked', { grids, count: state.selected.length });
    case 'split':
      return state.selected.length === 0
        ? ''
        : t('planner.edit.splitting', { grid: state.selected[0], count: state.vertices.length });
    case 'paint':
      return state.target ? t('planner.edit.target', { grid: state.target }) : '';
  }
}

function actionButton(id: string, key: MessageKey, variant: string): HTMLButtonElement {
  const button = translatedElement('button', key, `button ${variant}`.trim());
  button.type = 'button';
  button.id = id;
  return button;
}
