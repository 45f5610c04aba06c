import { rebuildDaily, type GeneratedDataset, type SimulatorDataset } from './dataset.ts';
import { dayOf, msOfDay } from './dates.ts';
import type { DailyRow } from './daily-views.ts';
import { FaultState } from './faults.ts';
import { TokenStore } from './oauth.ts';
import type { CmsVideo } from './video-catalog.ts';

/** Everything a running simulator knows: the dataset, its clock, tokens, faults and request counters. */

export interface AccountRows {
  rows: DailyRow[];
  /** Day number of each row, for binary search by date. */
  days: Int32Array;
}

export class SimulatorState {
  readonly dataset: SimulatorDataset;
  readonly faults: FaultState;
  readonly tokens = new TokenStore();
  readonly takenIds: Set<string>;
  requestSerial = 0;
  mutationSerial = 0;
  private rowsByAccount = new Map<string, AccountRows>();
  private plays = new Map<string, Map<string, { total: number; trailingWeek: number }>>();

  constructor(private readonly generated: GeneratedDataset, faults: FaultState) {
    this.dataset = generated.dataset;
    this.faults = faults;
    this.takenIds = new Set(Object.values(this.dataset.videos).flatMap((videos) => videos.map((v) => v.id)));
    this.indexRows();
  }

  todayDay(): number {
    return dayOf(this.dataset.today);
  }

  /** "NOW" in CMS searches: the last millisecond of the simulated today. */
  nowMs(): number {
    return msOfDay(this.todayDay() + 1) - 1;
  }

  hasAccount(accountId: string): boolean {
    return accountId in this.dataset.videos;
  }

  videosOf(accountId: string): CmsVideo[] {
    return this.dataset.videos[accountId] ?? [];
  }

  rowsOf(accountId: string): AccountRows {
    return this.rowsByAccount.get(accountId) ?? { rows: [], days: new Int32Array(0) };
  }

  playsOf(accountId: string, videoId: string): { total: number; trailingWeek: number } {
    let perVideo = this.plays.get(accountId);
    if (!perVideo) {
      perVideo = new Map();
      const weekStart = this.todayDay() - 7;
      const { rows, days } = this.rowsOf(accountId);
      rows.forEach((row, i) => {
        if (row.video === null) return;
        const entry = perVideo!.get(row.video) ?? { total: 0, trailingWeek: 0 };
        entry.total += row.video_view;
        if ((days[i] ?? 0) >= weekStart) entry.trailingWeek += row.video_view;
        perVideo!.set(row.video, entry);
      });
      this.plays.set(accountId, perVideo);
    }
    return perVideo.get(videoId) ?? { total: 0, trailingWeek: 0 };
  }

  setToday(date: string): void {
    rebuildDaily(this.generated, dayOf(date));
    this.indexRows();
  }

  private indexRows(): void {
    this.rowsByAccount.clear();
    this.plays.clear();
    for (const [accountId, rows] of Object.entries(this.dataset.daily)) {
      this.rowsByAccount.set(accountId, { rows, days: Int32Array.from(rows, (row) => dayOf(row.date)) });
    }
  }
}
