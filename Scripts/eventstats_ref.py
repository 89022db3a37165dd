"""Independent reference implementation of MarketImpact's aggregate event-study tests.

Written from ../shared/docs/event-study-methods.md with numpy/scipy (rankdata, ttest_1samp,
wilcoxon, t/norm distributions), not translated from the Swift code. Used by Scripts/validate-study
and to produce the hand-checked numbers in Tests/EventStudyTests/Statistics*Tests.swift.

A pair is a dict:
  df (int), sigma (float), est_tau (int array), est_day (int array: calendar day numbers),
  resid (float array, NaN = missing), days (dict tau -> (ar, sar, bhar1)),
  win (list per window of (car, bhar, scar, csar)), attrs (dict column -> value)
"""
import numpy as np
from scipy import stats

GOLDEN = np.uint64(0x9E3779B97F4A7C15)
M64 = (1 << 64) - 1


def fnv1a(text):
    h = 0xCBF29CE484222325
    for b in text.encode("utf-8"):
        h ^= b
        h = (h * 0x100000001B3) & M64
    return h


def splitmix_stream(seed, count):
    """The first `count` outputs of SplitMix64 seeded with `seed` (vectorised, uint64 wrapping)."""
    with np.errstate(over="ignore"):
        k = np.arange(1, count + 1, dtype=np.uint64)
        z = np.uint64(seed) + GOLDEN * k
        z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
        z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
        return z ^ (z >> np.uint64(31))


def mulhi(z, n):
    """floor(z * n / 2**64) for uint64 z and n < 2**31."""
    n = np.uint64(n)
    hi = z >> np.uint64(32)
    lo = z & np.uint64(0xFFFFFFFF)
    return ((hi * n + ((lo * n) >> np.uint64(32))) >> np.uint64(32)).astype(np.int64)


def bootstrap_ci(x, draws, seed):
    v = np.asarray([a for a in x if np.isfinite(a)], dtype=float)
    n = len(v)
    if n == 0:
        return (np.nan, np.nan)
    idx = mulhi(splitmix_stream(seed, draws * n), n).reshape(draws, n)
    means = np.sort(v[idx].sum(axis=1) / n)
    return (np.percentile(means, 2.5), np.percentile(means, 97.5))


def finite(x):
    x = np.asarray(x, dtype=float)
    return x[np.isfinite(x)]


def cs_t(x):
    v = finite(x)
    if len(v) < 2 or np.std(v, ddof=1) == 0:
        return (np.nan, np.nan, len(v))
    r = stats.ttest_1samp(v, 0.0)
    return (r.statistic, r.pvalue, len(v))


def normal(z, n):
    return (z, 2 * stats.norm.sf(abs(z)) if np.isfinite(z) else np.nan, n)


def student(t, df, n):
    return (t, 2 * stats.t.sf(abs(t), df) if np.isfinite(t) and df > 0 else np.nan, n)


def patell(z, d):
    z = np.asarray(z, float)
    d = np.asarray(d, float)
    ok = np.isfinite(z) & (d > 2)
    if not ok.any():
        return (np.nan, np.nan, 0)
    return normal(z[ok].sum() / np.sqrt((d[ok] / (d[ok] - 2)).sum()), int(ok.sum()))


def kp_bmp(bmp, r):
    t, _, n = bmp
    d = 1 + (n - 1) * r
    if not (np.isfinite(t) and np.isfinite(r) and d > 0):
        return (np.nan, np.nan, n)
    return student(t * np.sqrt((1 - r) / d), n - 1, n)


def kp_patell(pz, r):
    z, _, n = pz
    d = 1 + (n - 1) * r
    if not (np.isfinite(z) and np.isfinite(r) and d > 0):
        return (np.nan, np.nan, n)
    return normal(z / np.sqrt(d), n)


def gsign(x, share):
    x = np.asarray(x, float)
    s = np.asarray(share, float)
    ok = np.isfinite(x) & np.isfinite(s)
    n = int(ok.sum())
    if n == 0:
        return (np.nan, np.nan, 0)
    p = s[ok].mean()
    w = (x[ok] > 0).sum()
    return normal((w - n * p) / np.sqrt(n * p * (1 - p)), n)


def wilcoxon(x):
    v = finite(x)
    v = v[v != 0]
    n = len(v)
    if n == 0:
        return (np.nan, np.nan, 0)
    r = stats.rankdata(np.abs(v))
    wplus = r[v > 0].sum()
    _, counts = np.unique(np.abs(v), return_counts=True)
    var = n * (n + 1) * (2 * n + 1) / 24 - (counts**3 - counts).sum() / 48
    z = (wplus - n * (n + 1) / 4) / np.sqrt(var)
    if n >= 2:  # cross-check with scipy's normal approximation (same p-value)
        sp = stats.wilcoxon(v, zero_method="wilcox", correction=False, method="approx")
        assert abs(sp.pvalue - 2 * stats.norm.sf(abs(z))) < 1e-9, (sp.pvalue, z)
    return normal(z, n)


def skew_t(x):
    v = finite(x)
    n = len(v)
    if n < 3:
        return (np.nan, np.nan, n)
    sd = np.std(v, ddof=1)
    s = v.mean() / sd
    g = ((v - v.mean()) ** 3).sum() / (n * sd**3)
    return student(np.sqrt(n) * (s + g * s * s / 3 + g / (6 * n)), n - 1, n)


def cda(caar, l2, est_aar, n):
    a = finite(est_aar)
    if len(a) < 2:
        return (np.nan, np.nan, n)
    sd = np.std(a, ddof=1)
    return student(caar / (np.sqrt(l2) * sd), len(a) - 1, n)


def mean_corr(pairs, min_common):
    """Mean Pearson correlation over i < j of residuals on common calendar days (two-pass, numpy)."""
    if len(pairs) < 2:
        return (np.nan, 0)
    lo = min(int(np.min(p["est_day"])) for p in pairs)
    hi = max(int(np.max(p["est_day"])) for p in pairs)
    M = np.full((len(pairs), hi - lo + 1), np.nan)
    for k, p in enumerate(pairs):
        M[k, np.asarray(p["est_day"], int) - lo] = p["resid"]
    total, count = 0.0, 0
    for i in range(len(pairs) - 1):
        Y = M[i + 1:]
        mask = np.isfinite(M[i])[None, :] & np.isfinite(Y)
        c = mask.sum(axis=1)
        X = np.where(mask, M[i][None, :], 0.0)
        Yz = np.where(mask, Y, 0.0)
        with np.errstate(invalid="ignore", divide="ignore"):
            dx = np.where(mask, X - (X.sum(1) / c)[:, None], 0.0)
            dy = np.where(mask, Yz - (Yz.sum(1) / c)[:, None], 0.0)
            r = (dx * dy).sum(1) / np.sqrt((dx * dx).sum(1) * (dy * dy).sum(1))
        ok = (c >= max(min_common, 3)) & np.isfinite(r)
        total += r[ok].sum()
        count += int(ok.sum())
    return (total / count if count else np.nan, count)


def corrado_ranks(p, est, span):
    """tau -> demeaned rank K - (M+1)/2 over estimation residuals and event-span ARs."""
    taus, vals = [], []
    for t, r in zip(p["est_tau"], p["resid"]):
        if est[0] <= t <= est[1] and np.isfinite(r):
            taus.append(t)
            vals.append(r)
    for t in range(span[0], span[1] + 1):
        if t < est[0] or t > est[1]:
            ar = p["days"].get(t, (np.nan,))[0]
            if np.isfinite(ar):
                taus.append(t)
                vals.append(ar)
    k = stats.rankdata(vals)
    return dict(zip(taus, k - (len(vals) + 1) / 2))


def corrado(pairs, est, span, window, n_window):
    ranks = [corrado_ranks(p, est, span) for p in pairs]
    lo, hi = min(est[0], span[0]), max(est[1], span[1])
    means = {}
    for t in range(lo, hi + 1):
        v = [r[t] for r in ranks if t in r]
        if v:
            means[t] = (np.mean(v), len(v))
    sk = np.sqrt(np.mean([m * m for m, _ in means.values()]))
    ts = list(range(window[0], window[1] + 1))
    if any(t not in means for t in ts):
        return (np.nan, np.nan, 0)
    s = sum(means[t][0] for t in ts)
    n = means[ts[0]][1] if len(ts) == 1 else n_window
    return normal(s / (np.sqrt(len(ts)) * sk), n)


def grank(pairs, scar, est):
    use = [i for i, p in enumerate(pairs) if np.isfinite(scar[i]) and np.isfinite(p["resid"]).any()]
    n = len(use)
    if n < 2:
        return (np.nan, np.nan, n)
    sd = np.std([scar[i] for i in use], ddof=1)
    by_tau = {}
    u0 = []
    for i in use:
        p = pairs[i]
        ok = np.isfinite(p["resid"]) & (p["est_tau"] >= est[0]) & (p["est_tau"] <= est[1])
        sar = p["resid"][ok] / p["sigma"]
        vals = np.append(sar, scar[i] / sd)
        T = len(vals)
        u = stats.rankdata(vals) / (T + 1) - 0.5
        u0.append(u[-1])
        for t, x in zip(p["est_tau"][ok], u[:-1]):
            by_tau.setdefault(int(t), []).append(x)
    ubar0 = np.mean(u0)
    terms = [ubar0**2] + [len(v) / n * np.mean(v) ** 2 for v in by_tau.values()]
    T = len(terms)
    su = np.sqrt(np.mean(terms))
    z = ubar0 / su
    return student(z * np.sqrt((T - 2) / (T - 1 - z * z)), T - 2, n)


def summarize_group(name, pairs, params):
    est, span, windows = params["est"], params["span"], params["windows"]
    draws, seed, min_common = params["draws"], params["seed"], params["min_common"]
    rbar, _ = mean_corr(pairs, min_common)
    by_tau = {}
    for p in pairs:
        for tt, r in zip(p["est_tau"], p["resid"]):
            if est[0] <= tt <= est[1] and np.isfinite(r):
                by_tau.setdefault(int(tt), []).append(r)
    est_aar = [np.mean(by_tau[t]) for t in range(est[0], est[1] + 1) if t in by_tau]
    dfs = [p["df"] for p in pairs]
    share = [np.mean(finite(p["resid"]) > 0) if len(finite(p["resid"])) else np.nan for p in pairs]

    def tests(w, car, bhar, scar, csar, key):
        v = finite(car)
        n = len(v)
        caar = v.mean() if n else np.nan
        out = {"n": n, "caar": caar, "abhar": finite(bhar).mean() if len(finite(bhar)) else np.nan}
        out["cs"] = cs_t(car)
        out["cda"] = cda(caar, w[1] - w[0] + 1, est_aar, n)
        out["patell"] = patell(csar, dfs)
        out["bmp"] = cs_t(scar)
        out["kp"] = kp_bmp(out["bmp"], rbar)
        out["kp_patell"] = kp_patell(out["patell"], rbar)
        out["rank"] = corrado(pairs, est, span, w, n)
        # GRANK and the bootstrap interval are window statistics: day rows (key None) have neither.
        out["grank"] = grank(pairs, scar, est) if key is not None else (np.nan, np.nan, 0)
        out["gsign"] = gsign(car, share)
        out["wilcoxon"] = wilcoxon(car)
        out["skew"] = skew_t(bhar)
        out["boot"] = bootstrap_ci(car, draws, seed ^ fnv1a(key)) if key is not None else (np.nan, np.nan)
        out["r_bar"] = rbar
        return out

    rows = {}
    for k, w in enumerate(windows):
        rows[("w", w)] = tests(
            w, [p["win"][k][0] for p in pairs], [p["win"][k][1] for p in pairs],
            [p["win"][k][2] for p in pairs], [p["win"][k][3] for p in pairs], f"{name}|w{w[0]}:{w[1]}")
    for t in range(span[0], span[1] + 1):
        ar = [p["days"].get(t, (np.nan,) * 3)[0] for p in pairs]
        sar = [p["days"].get(t, (np.nan,) * 3)[1] for p in pairs]
        b1 = [p["days"].get(t, (np.nan,) * 3)[2] for p in pairs]
        rows[("d", t)] = tests((t, t), ar, b1, sar, sar, None)
    return rows
