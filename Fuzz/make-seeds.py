#!/usr/bin/env python3
"""Writes a seed corpus for one fuzz target from SampleData and the dev sets.

usage: make-seeds.py csv|article|dates DIR

Each seed is the target's input format: for `csv` and `article` a selector byte (file name and
options) followed by the file's bytes, truncated to 64 KiB; for `dates` plain UTF-8 text.
"""
import glob, json, os, sys

target, out = sys.argv[1], sys.argv[2]
root = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
os.makedirs(out, exist_ok=True)
n = 0


def put(data: bytes):
    global n
    with open(os.path.join(out, f"seed-{n:04d}"), "wb") as f:
        f.write(data[:65536])
    n += 1


def files(*patterns):
    for p in patterns:
        for path in sorted(glob.glob(os.path.join(root, p), recursive=True)):
            if os.path.isfile(path):
                yield path


if target == "csv":
    for path in files("SampleData/prices/*.csv", "Tests/HardeningTests/Corpus/csv/*"):
        data = open(path, "rb").read()
        put(bytes([0]) + data)
        put(bytes([1]) + data[:4096])
    # The formats doc in miniature: one seed per layout.
    for text in [
        "Date,Open,High,Low,Close,Adj Close,Volume\n2020-06-22,9.9,10,9.5,9.8,9.8,100\n2020-06-23,null,null,null,null,null,null",
        "Date,Open,High,Low,Close,Volume,Dividends,Stock Splits\n2020-06-22 00:00:00-04:00,1,2,1,2,3,0,0\n",
        ',Date,Open,High,Low,Close*,Adj Close**,Volume\n0,"Dec 24, 2020",125.00,126,124,125,125,"1,000"\n*Close price adjusted for splits.\n',
        'Date,Close/Last,Volume,Open,High,Low\n03/01/2024,$15.47,"2,187,767",$15.1,$15.6,$15\n02/29/2024,$15.17,"1,000",$15,$15.3,$14.9\n',
        '\ufeff"Date","Price","Open","High","Low","Vol.","Change %"\n"04/30/2025","3,279.03","3,286.65","3,293.60","3,262.50","43.58B","-0.23%"\n"04/29/2025","3,286.65","3,280","3,290","3,270","","0.1%"\n',
        "timestamp,open,high,low,close,adjusted_close,volume,dividend_amount,split_coefficient\n2024-03-01,1,2,1,2,2,10,0,1\n",
        "observation_date,DGS10\n2024-01-01,\n2024-01-02,3.95\n",
        "Date,Ticker,Close\n2024-01-02,AAA,10\n2024-01-02,BBB,20\n2024-01-03,AAA,11\n",
        "PERMNO,date,RET\n10001,20240102,0.01\n10001,20240103,C\n10001,20240104,B\n",
        "AAA,20240102,1,2,1,2,100\nBBB,20240102,3,4,3,4,200\n",
        "\ufeffDatum;Eröffnung;Hoch;Tief;Schluss;Volumen\n28.10.2021;87,669;88,1;87,2;87,9;1.234\n",
        "数据来源: 某某\n股票代码,股票名称,交易日期,开盘价,最高价,最低价,收盘价\n600111,北方稀土,2024-01-02,20.1,20.5,19.9,20.3\n",
        "This file was created by CMPT_ME_BEME_RETS\r\n,Mkt-RF,SMB,HML,RF\r\n19260701,    0.09,   -0.25,   -0.27,    0.01\r\n19260702,    0.45,   -0.33,   -0.06,    0.01\r\n\r\n Annual Factors\r\n",
        "Date\tClose\n2024-01-02\t1.5K\n",
        "Date|Close\r2024-01-02|1,5M\r",
    ]:
        for sel in (0, 0x12, 0x24, 0x31):
            put(bytes([sel]) + text.encode())
elif target == "article":
    exts = {".txt": 0, ".html": 1, ".htm": 1, ".xml": 2, ".json": 3, ".jsonl": 4}
    for path in files("SampleData/articles/*", "Tests/EventExtractionTests/DevSet/**/*", "Tests/HardeningTests/Corpus/articles/*"):
        ext = os.path.splitext(path)[1].lower()
        if ext not in exts:
            continue
        data = open(path, "rb").read()
        put(bytes([exts[ext]]) + data)
        put(bytes([5]) + data[:8192])  # sniffed by content
elif target == "dates":
    for path in files("Tests/EventExtractionTests/DevSet/temporal.jsonl"):
        for line in open(path, encoding="utf-8"):
            line = line.strip()
            if line:
                put(json.loads(line)["text"].encode())
    for path in files("SampleData/articles/*.txt"):
        put(open(path, "rb").read())
    for text in [
        "on Tuesday", "March 26", "2025-03-25", "25.03.2025", "3/25/2025", "Q2 2025", "last week",
        "two days ago", "4:30 p.m. ET", "P3Y", "earlier this month", "in May", "the 15th",
        "summer 2024", "next year", "yesterday", "26 mars 2025", "2025年3月25日", "We may pay $27",
    ]:
        put(text.encode())
else:
    sys.exit(f"unknown target {target}")
print(f"make-seeds: {n} seeds for {target} in {out}", file=sys.stderr)
