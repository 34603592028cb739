import type { DayWindow } from '../../api/risk-types';
import { onLocaleChange, t, translatedElement } from '../../i18n';
import { element, option } from '../dom';
import { addDays, daysBetween, windowEndingOn } from './day-window';

/** Window lengths offered, in days; the second is the default. */
export const WINDOW_DAYS = [30, 90, 365] as const;
export type WindowDays = (typeof WINDOW_DAYS)[number];
const PLAY_STEP_DAYS = 7;
/** Pause between drawn frames while playing. */
const PLAY_PAUSE_MS = 900;
/** While the slider is dragged, the window is asked for after it rests this long. */
const DRAG_SETTLE_MS = 250;

/**
 * The time bar over the map: a slider over the days with events choosing the last day of a
 * window of 30, 90 or 365 days, and play/pause stepping the window a week at a time.
 * `onChange` hears each new window, `settled` false while playing (slower panels may wait).
 */
export class TimeBar {
  readonly element = element('div', 'map-card risk-time');
  private readonly playButton = element('button', 'button risk-play');
  private readonly slider = element('input', 'risk-slider');
  private readonly label = element('output', 'risk-window');
  private readonly lengthSelect = element('select', 'input');
  private first: string | null = null;
  private playing = false;
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(private readonly onChange: (window: DayWindow, settled: boolean) => void) {
    this.element.id = 'risk-time';
    this.slider.type = 'range';
    this.slider.id = 'risk-slider';
    this.slider.min = '0';
    this.slider.step = '1';
    this.playButton.type = 'button';
    this.playButton.id = 'risk-play';
    this.lengthSelect.id = 'risk-window-days';
    this.slider.addEventListener('input', () => {
      this.renderLabel();
      this.later(() => this.changed(), DRAG_SETTLE_MS);
    });
    this.lengthSelect.addEventListener('change', () => this.changed());
    this.playButton.addEventListener('click', () => (this.playing ? this.pause() : this.play()));
    const lengthLabel = translatedElement('label', 'risk.time.length', 'form-label');
    lengthLabel.htmlFor = this.lengthSelect.id;
    this.element.append(this.playButton, this.slider, this.label, lengthLabel, this.lengthSelect);
    this.setEnabled(false);
    onLocaleChange(() => this.render());
    this.render();
    this.lengthSelect.value = String(WINDOW_DAYS[1]);
  }

  /** Spans the slider over the days with events and moves it to the last. */
  setRange(first: string, last: string): void {
    this.first = first;
    this.slider.max = String(daysBetween(first, last));
    this.slider.value = this.slider.max;
    this.setEnabled(true);
    this.renderLabel();
  }

  get window(): DayWindow | null {
    return this.first === null ? null : windowEndingOn(this.lastDay(), Number(this.lengthSelect.value));
  }

  get windowDays(): WindowDays {
    return Number(this.lengthSelect.value) as WindowDays;
  }

  /** Called when the current window's heatmap is drawn: playback moves on after a pause. */
  frameShown(): void {
    if (!this.playing) return;
    this.later(() => {
      const next = Math.min(Number(this.slider.value) + PLAY_STEP_DAYS, Number(this.slider.max));
      this.slider.value = String(next);
      if (next >= Number(this.slider.max)) this.pause();
      else this.changed();
    }, PLAY_PAUSE_MS);
  }

  /** Stops playback where it is (e.g. when the view is left or a frame failed). */
  pause(): void {
    if (!this.playing) return;
    this.playing = false;
    this.render();
    this.changed();
  }

  private play(): void {
    if (this.first === null) return;
    if (Number(this.slider.value) >= Number(this.slider.max)) {
      // From the first whole window (or the first day, when the window is longer than the data).
      this.slider.value = String(Math.min(this.windowDays - 1, Number(this.slider.max)));
    }
    this.playing = true;
    this.render();
    this.changed();
  }

  private changed(): void {
    clearTimeout(this.timer);
    this.renderLabel();
    const window = this.window;
    if (window) this.onChange(window, !this.playing);
  }

  private later(action: () => void, ms: number): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(action, ms);
  }

  private lastDay(): string {
    return addDays(this.first ?? '1970-01-01', Number(this.slider.value));
  }

  private setEnabled(enabled: boolean): void {
    for (const control of [this.playButton, this.slider, this.lengthSelect]) control.disabled = !enabled;
  }

  private render(): void {
    const days = this.lengthSelect.value;
    this.lengthSelect.replaceChildren(...WINDOW_DAYS.map((length) => option(String(length), t('risk.time.days', { days: length }))));
    this.lengthSelect.value = days;
    this.playButton.textContent = this.playing ? t('risk.time.pause') : t('risk.time.play');
    this.playButton.setAttribute('aria-pressed', String(this.playing));
    this.slider.setAttribute('aria-label', t('risk.time.slider'));
    this.renderLabel();
  }

  private renderLabel(): void {
    const window = this.window;
    this.label.textContent = window ? t('risk.time.window', { from: window.from, to: addDays(window.to, -1) }) : t('risk.time.noEvents');
    if (window) {
      this.label.dataset.from = window.from;
      this.label.dataset.to = window.to;
    }
  }
}
