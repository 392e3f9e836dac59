import { describe, expect, it } from 'vitest';
import { evaluateMilestone, milestoneRates } from '../../../shared/domain/milestones.ts';
import { scorecard, scoreOf } from '../../../shared/domain/scorecard.ts';
import type { Milestone } from '../../../shared/domain/types.ts';
import { statusOf, varianceOf } from '../../../shared/domain/variance.ts';

const m = (over: Partial<Milestone>): Milestone => ({
  id: 'x',
  title: 'x',
  owner: 'ops',
  due: '2026-11-30',
  weight: 1,
  status: 'in_progress',
  ...over,
});

describe('milestones', () => {
  it('applies the rules in order: blocked before the window, not_started before start', () => {
    expect(
      evaluateMilestone(m({ status: 'blocked', start: '2026-11-01', progress: 0 }), '2026-11-22').state,
    ).toBe('blocked');
    expect(evaluateMilestone(m({ status: 'blocked', due: '2026-11-01' }), '2026-11-22')).toMatchObject({
      state: 'overdue',
      daysOverdue: 21,
    });
    expect(
      evaluateMilestone(m({ status: 'not_started', start: '2026-12-01', due: '2026-12-31' }), '2026-11-22')
        .state,
    ).toBe('not_started');
    expect(evaluateMilestone(m({ status: 'in_progress', due: '2026-12-31' }), '2026-11-22').state).toBe(
      'on_track',
    );
    // Due today is not overdue, and is due soon.
    expect(
      evaluateMilestone(m({ due: '2026-11-22', start: '2026-11-01', progress: 1 }), '2026-11-22'),
    ).toMatchObject({
      state: 'on_track',
      dueSoon: true,
    });
    expect(evaluateMilestone(m({ due: '2026-11-30' }), '2026-11-22').dueSoon).toBe(false);
    expect(evaluateMilestone(m({ status: 'cancelled', due: '2026-11-23' }), '2026-11-22').dueSoon).toBe(
      false,
    );
  });

  it('treats progress exactly 0.10 below expected as on track', () => {
    // start 11-01, due 11-10, asOf 11-05: expected 0.5; progress 0.4 is on the margin.
    const at = (progress: number) =>
      evaluateMilestone(m({ start: '2026-11-01', due: '2026-11-10', progress }), '2026-11-05').state;
    expect(at(0.4)).toBe('on_track');
    expect(at(0.39)).toBe('behind');
  });

  it('leaves cancelled and not-yet-due milestones out of the rates', () => {
    const rates = milestoneRates(
      [
        m({ id: 'a', status: 'done', due: '2026-11-01', completedOn: '2026-11-01', weight: 3 }),
        m({ id: 'b', status: 'cancelled', due: '2026-11-01' }),
        m({ id: 'c', status: 'in_progress', due: '2026-12-01' }),
      ],
      '2026-11-22',
    );
    expect(rates).toEqual({ dueCount: 1, dueWeight: 3, completion: 1, onTime: 1 });
    expect(milestoneRates([], '2026-11-22')).toEqual({
      dueCount: 0,
      dueWeight: 0,
      completion: null,
      onTime: null,
    });
  });
});

describe('variance and scorecard', () => {
  it('counts a value within 1e-9 of a boundary as on it', () => {
    const tolerance = { atRisk: 0.02, offTrack: 0.1 };
    expect(statusOf(-0.02 - 5e-10, tolerance)).toBe('on_track');
    expect(statusOf(-0.02 - 2e-9, tolerance)).toBe('at_risk');
    expect(statusOf(-(0.055 / 0.05 - 1), tolerance)).toBe('at_risk');
    expect(statusOf(-0.1 - 2e-9, tolerance)).toBe('off_track');
  });

  it('uses 1 − |A − T| / |T| for closer-is-better and |T| for a negative target', () => {
    const closer = varianceOf(90, 100, 'closer_is_better', { atRisk: 0.05, offTrack: 0.15 });
    expect(closer.attainment).toBeCloseTo(0.9, 12);
    expect(closer.favourablePct).toBeCloseTo(-0.1, 12);
    const negative = varianceOf(-50, -100, 'higher_is_better', { atRisk: 0.02, offTrack: 0.1 });
    expect(negative.variancePct).toBeCloseTo(0.5, 12);
    expect(varianceOf(null, 100, 'higher_is_better', { atRisk: 0, offTrack: 0 }).status).toBe('no_data');
    expect(varianceOf(5, null, 'higher_is_better', { atRisk: 0, offTrack: 0 }).status).toBe('no_target');
  });

  it('clamps scores to [0, cap], lists KPIs without a score and cuts by owner', () => {
    expect(scoreOf(1.5)).toBe(1.2);
    expect(scoreOf(-0.3)).toBe(0);
    expect(scoreOf(1.5, 2)).toBe(1.5);
    const card = scorecard([
      { kpi: 'a', weight: 2, attainment: 1.5, owner: 'ops' },
      { kpi: 'b', weight: 1, attainment: 0.6, owner: 'ops' },
      { kpi: 'c', weight: 5, attainment: null, owner: 'tech' },
      { kpi: 'd', weight: 1, attainment: 0.9 },
    ]);
    expect(card.score).toBeCloseTo((2 * 1.2 + 0.6 + 0.9) / 4, 12);
    expect(card.entries.find((e) => e.kpi === 'c')?.score).toBeNull();
    expect(card.byOwner).toEqual([
      { owner: 'ops', score: (2 * 1.2 + 0.6) / 3 },
      { owner: 'tech', score: null },
      { owner: 'unassigned', score: 0.9 },
    ]);
  });
});

describe('milestones as of asOf (issue 14 point 3)', () => {
  it('does not count a completion after asOf: the milestone was still open then', () => {
    const done = m({
      status: 'done',
      start: '2026-11-01',
      due: '2026-11-10',
      completedOn: '2026-11-08',
      progress: 1,
    });
    expect(evaluateMilestone(done, '2026-11-20').state).toBe('done');
    // On 5 Nov it was not done yet: in progress inside its window, due within 7 days.
    expect(evaluateMilestone(done, '2026-11-05')).toMatchObject({ state: 'on_track', dueSoon: true });
    expect(evaluateMilestone(done, '2026-11-05').expectedProgress).toBeCloseTo(0.5, 12);
    // Completed late, after an asOf past the due date: overdue on that asOf, not done_late.
    const late = m({ status: 'done', due: '2026-11-10', completedOn: '2026-11-15' });
    expect(evaluateMilestone(late, '2026-11-12')).toMatchObject({ state: 'overdue', daysOverdue: 2 });
    expect(evaluateMilestone(late, '2026-11-16')).toMatchObject({ state: 'done_late', daysLate: 5 });
    // And the rates agree: due by 12 Nov, not completed as of then.
    expect(milestoneRates([late], '2026-11-12')).toMatchObject({ dueCount: 1, completion: 0, onTime: 0 });
    expect(milestoneRates([late], '2026-11-16')).toMatchObject({ completion: 1, onTime: 0 });
  });

  it('gives a cancelled milestone no expected progress', () => {
    const cancelled = m({ status: 'cancelled', start: '2026-11-01', due: '2026-11-30', progress: 0.1 });
    expect(evaluateMilestone(cancelled, '2026-11-15')).toMatchObject({
      state: 'cancelled',
      expectedProgress: null,
      dueSoon: false,
    });
  });

  it('states the count and the weight the weighted rates divide by', () => {
    const rates = milestoneRates(
      [
        m({ id: 'a', status: 'done', due: '2026-11-01', completedOn: '2026-11-01', weight: 3 }),
        m({ id: 'b', status: 'in_progress', due: '2026-11-02', weight: 1 }),
      ],
      '2026-11-22',
    );
    expect(rates).toEqual({ dueCount: 2, dueWeight: 4, completion: 0.75, onTime: 0.75 });
  });
});
