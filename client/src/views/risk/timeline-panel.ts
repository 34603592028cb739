import type { GridTimeline } from '../../api/risk-types';
import { formatNumber, onLocaleChange, t, translatedElement } from '../../i18n';
import { element } from '../dom';
import { renderLoadable, type Loadable, type LoadableTexts } from '../loadable';
import { bucketStarts } from './day-window';
import { timelineChart } from './timeline-chart';

/** A grid's timeline with the names it is shown under. */
export interface NamedTimeline {
  label: string;
  street: string;
  timeline: GridTimeline;
}

const TEXTS: LoadableTexts = {
  empty: () => t('risk.timeline.hint'),
  loading: () => t('risk.timeline.loading'),
  failed: (message) => t('risk.timeline.failed', { message }),
};

/** The chosen grid's events over the window, per day, week or month, as a bar chart. */
export class TimelinePanel {
  readonly element: HTMLElement;
  private readonly body = element('div', 'risk-timeline-body');
  private state: Loadable<NamedTimeline> = { kind: 'empty' };

  constructor() {
    this.element = element('section', 'panel-section', translatedElement('h2', 'risk.timeline.title'), this.body);
    this.element.id = 'risk-timeline';
    onLocaleChange(() => this.render());
    this.render();
  }

  setState(state: Loadable<NamedTimeline>): void {
    this.state = state;
    this.render();
  }

  private render(): void {
    renderLoadable(this.body, this.state, TEXTS, ({ label, street, timeline }) => {
      const total = timeline.buckets.reduce((sum, bucket) => sum + bucket.total, 0);
      const heading = element('h3', 'subheading', `${label} · ${street}`);
      heading.dataset.grid = timeline.grid;
      const summary = element('p', 'hint', t('risk.timeline.summary', { count: formatNumber(total), bucket: t(`risk.bucket.${timeline.bucket}`) }));
      summary.dataset.total = String(total);
      return [heading, summary, timelineChart(timeline, bucketStarts(timeline.window, timeline.bucket))];
    });
  }
}
