// Grad mode: whether ops record the graph (off inside noGrad), and anomaly detection, which checks
// every op's output and every gradient for NaN or Inf and names the op where one first appears.

let enabled = true;
let anomaly = false;

export const isGradEnabled = (): boolean => enabled;

/** Runs fn without recording the graph, like `with torch.no_grad():`. */
export function noGrad<T>(fn: () => T): T {
  const prev = enabled;
  enabled = false;
  try {
    return fn();
  } finally {
    enabled = prev;
  }
}

/** Runs fn with recording on, even inside noGrad. */
export function enableGrad<T>(fn: () => T): T {
  const prev = enabled;
  enabled = true;
  try {
    return fn();
  } finally {
    enabled = prev;
  }
}

export function setGradEnabled(on: boolean): void {
  enabled = on;
}

export const isAnomalyEnabled = (): boolean => anomaly;

/** When on, a NaN or Inf produced by any forward op or backward rule throws, naming the op. */
export function setDetectAnomaly(on: boolean): void {
  anomaly = on;
}
