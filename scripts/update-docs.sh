#!/usr/bin/env bash
# Regenerates the finding-code tables in docs/codes.md and README.md from
# the catalog in src/findings/codes.rs (a test fails while they differ).
set -euo pipefail
cd "$(dirname "$0")/.."
table=$(cargo run -q --bin selfeval -- codes --markdown)
{ echo "# 问题代码一览"; echo; echo "由 \`selfeval codes --markdown\` 生成（scripts/update-docs.sh）；测试保证本表与程序一致。"; echo; echo "$table"; } > docs/codes.md
python3 - "$table" <<'PY'
import sys, re
table = sys.argv[1]
s = open('README.md', encoding='utf-8').read()
s = re.sub(r'<!-- codes:start -->\n.*?<!-- codes:end -->', '<!-- codes:start -->\n' + table + '\n<!-- codes:end -->', s, flags=re.S)
open('README.md', 'w', encoding='utf-8').write(s)
PY
echo "updated docs/codes.md and README.md"
