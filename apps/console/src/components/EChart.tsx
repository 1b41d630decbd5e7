import { useEffect, useRef, type ReactNode } from 'react';
import * as echarts from 'echarts/core';
import { BarChart, LineChart } from 'echarts/charts';
import { AriaComponent, GridComponent, LegendComponent, MarkLineComponent, TooltipComponent } from 'echarts/components';
import { SVGRenderer } from 'echarts/renderers';
import type { EChartsCoreOption } from 'echarts/core';
import { formatMeasure } from '../format';

// Only what the console draws: bars (the stage funnel is stacked bars) and lines; SVG output (crisp, no canvas fingerprinting).
echarts.use([BarChart, LineChart, AriaComponent, GridComponent, LegendComponent, MarkLineComponent, TooltipComponent, SVGRenderer]);

/** Calm palette with enough contrast against white (all ≥ 3:1 for graphical objects). */
export const PALETTE = ['#1f5f8b', '#c2571a', '#2e7d4f', '#7a4fa3', '#a83255', '#5b6b7a'];

interface Props {
  option: EChartsCoreOption;
  /** Short description for screen readers; the data table below the chart carries the details. */
  label: string;
  height?: number;
  /** Accessible alternative: the same data as a table (shown on demand). */
  table?: ReactNode;
  caption: string;
  testId?: string;
}

type Axis = { type?: string; axisLabel?: { formatter?: unknown } & Record<string, unknown> } & Record<string, unknown>;
const frenchAxis = (axis: Axis): Axis =>
  axis.type === 'value' && !axis.axisLabel?.formatter ? { ...axis, axisLabel: { ...axis.axisLabel, formatter: (v: number) => formatMeasure(v) } } : axis;
const frenchAxes = (axes: unknown): unknown => (Array.isArray(axes) ? axes.map((a) => frenchAxis(a as Axis)) : axes && typeof axes === 'object' ? frenchAxis(axes as Axis) : axes);

/**
 * Numbers the French way wherever the option leaves ECharts its own (English) formatting: value
 * axes (“12,5”, “1 000”, not “12.5”, “1,000”) and tooltips.
 */
function frenchNumbers(option: EChartsCoreOption): EChartsCoreOption {
  const o = option as Record<string, unknown>;
  const tooltip = o.tooltip as Record<string, unknown> | undefined;
  return {
    ...option,
    ...(o.xAxis ? { xAxis: frenchAxes(o.xAxis) } : {}),
    ...(o.yAxis ? { yAxis: frenchAxes(o.yAxis) } : {}),
    ...(tooltip && !tooltip.valueFormatter ? { tooltip: { ...tooltip, valueFormatter: (v: unknown) => (typeof v === 'number' ? formatMeasure(v) : String(v)) } } : {}),
  };
}

/** ECharts in React: one instance per mount, options replaced on change, resized with its box. */
export function EChart({ option, label, height = 280, table, caption, testId }: Props) {
  const ref = useRef<HTMLDivElement>(null);
  const chart = useRef<echarts.ECharts | null>(null);
  useEffect(() => {
    if (!ref.current) return;
    const instance = echarts.init(ref.current, null, { renderer: 'svg' });
    chart.current = instance;
    const observer = new ResizeObserver(() => instance.resize());
    observer.observe(ref.current);
    return () => {
      observer.disconnect();
      instance.dispose();
      chart.current = null;
    };
  }, []);
  useEffect(() => {
    chart.current?.setOption({ color: PALETTE, aria: { enabled: false }, animation: false, textStyle: { fontFamily: 'inherit' }, ...frenchNumbers(option) }, true);
  }, [option]);
  return (
    <figure className="chart" data-testid={testId}>
      <figcaption className="chart__caption">{caption}</figcaption>
      <div ref={ref} role="img" aria-label={label} style={{ height, width: '100%' }} />
      {table && (
        <details className="chart__data">
          <summary>Voir les données du graphique</summary>
          {table}
        </details>
      )}
    </figure>
  );
}
