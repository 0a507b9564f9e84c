"""Development-time extraction of data/han.tsv (run once; nothing runs this at build time).

Inputs (PyPI packages, installed into a scratch venv):
  pypinyin 0.55 (MIT)            Mandarin readings
  ToJyutping 3.2 (BSD-2-Clause)  Cantonese Jyutping readings
  opencc-python-reimplemented 0.1.7 (Apache-2.0)  STCharacters.txt / TSCharacters.txt
  jieba 0.42.1 (MIT) dict.txt    character frequency, to keep the table small

Usage: python extract_han.py /path/to/jieba/dict.txt /path/to/opencc/dictionary > han.tsv
Line format: CHAR <tab> pinyin[,pinyin..] <tab> jyutping[,jyutping..] <tab> simplified-or-empty
"""
import sys, collections, os
import pypinyin, ToJyutping

N_COMMON = 6000
dict_txt, opencc_dir = sys.argv[1], sys.argv[2]
freq = collections.Counter()
for line in open(dict_txt, encoding="utf-8"):
    parts = line.split()
    if len(parts) >= 2:
        for ch in parts[0]:
            if "\u4e00" <= ch <= "\u9fff":
                freq[ch] += int(parts[1])

def load(name):
    m = {}
    for line in open(os.path.join(opencc_dir, name), encoding="utf-8"):
        k, v = line.rstrip("\n").split("\t")
        m[k] = v.split()
    return m

st = load("STCharacters.txt")
ts = load("TSCharacters.txt")
simp = [c for c, _ in freq.most_common(N_COMMON)]
chars = set(simp)
for c in simp:
    for t in st.get(c, []):
        chars.add(t)
out = []
for c in sorted(chars):
    py = pypinyin.pinyin(c, style=pypinyin.Style.NORMAL, heteronym=True)[0]
    py = [p.replace("ü", "v") for p in py if p.isascii() and p.isalpha()][:3]
    jy = ToJyutping.get_jyutping_candidates(c)[0][1]
    jy = [j[:-1] if j[-1].isdigit() else j for j in jy]
    jy = list(dict.fromkeys(jy))[:3]
    s = ts.get(c, [""])[0]
    if s == c:
        s = ""
    if not py and not jy:
        continue
    out.append(f"{c}\t{','.join(py)}\t{','.join(jy)}\t{s}")
sys.stdout.write("\n".join(out) + "\n")
