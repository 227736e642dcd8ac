"use client";
/** Mean sequential tokens of the run against its sequential baseline, by the baseline's length bucket (recharts). */
import { Bar, BarChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";

export interface BucketDatum {
  bucket: string;
  count: number;
  accuracy: number | null;
  baselineAccuracy: number | null;
  meanBaselineTokens: number | null;
  meanSequentialTokens: number | null;
  sequentialReduction: number | null;
}

export function BucketChart({ rows, runLabel, baselineLabel }: { rows: BucketDatum[]; runLabel: string; baselineLabel: string | null }) {
  const data = rows.map((r) => ({ bucket: `${r.bucket} (${r.count})`, run: r.meanSequentialTokens === null ? 0 : Math.round(r.meanSequentialTokens), baseline: r.meanBaselineTokens === null ? 0 : Math.round(r.meanBaselineTokens) }));
  return (
    <div className="h-64 w-full" data-testid="bucket-chart">
      <ResponsiveContainer width="100%" height="100%">
        <BarChart data={data} margin={{ top: 8, right: 8, bottom: 8, left: 8 }}>
          <CartesianGrid strokeDasharray="3 3" stroke="#e4e4e7" />
          <XAxis dataKey="bucket" tick={{ fontSize: 11 }} />
          <YAxis tick={{ fontSize: 11 }} label={{ value: "mean sequential tokens", angle: -90, position: "insideLeft", fontSize: 11 }} />
          <Tooltip />
          <Legend wrapperStyle={{ fontSize: 12 }} />
          {baselineLabel && <Bar dataKey="baseline" name={baselineLabel} fill="#a1a1aa" isAnimationActive={false} />}
          <Bar dataKey="run" name={runLabel} fill="#2f6fed" isAnimationActive={false} />
        </BarChart>
      </ResponsiveContainer>
    </div>
  );
}
