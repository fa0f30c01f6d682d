#!/bin/sh
# 离线安装“数据要素× 案例申报助手”：只用本安装包中的文件，不访问网络。
#
#   ./install.sh            # 安装到本目录的 .venv；以 root 运行时先安装 debs/ 中的系统软件包
#   make run                # 然后启动（或 .venv/bin/case-assistant prepare && .venv/bin/case-assistant serve）
#
# 步骤：校验文件 → （root）安装 debs/ → 检查 Python → 建虚拟环境 → 从 wheelhouse/ 安装 → 运行检查（doctor）。
# 由 make bundle 放进安装包（源文件：packaging/install.sh）。
set -eu

cd "$(dirname "$0")"
HERE=$(pwd)

say() { printf '%s\n' "$*"; }
fail() { printf '错误：%s\n' "$*" >&2; exit 1; }

[ -d wheelhouse ] || fail "这里没有 wheelhouse/ 目录：install.sh 只用于 make bundle 生成的离线安装包；在源代码目录请直接运行 make run。"

say "1/5 校验安装包文件……"
if command -v sha256sum >/dev/null 2>&1; then
    sha256sum -c --quiet SHA256SUMS || fail "安装包文件校验失败（见上），安装包可能已损坏：请重新拷贝安装包。"
else
    say "    没有 sha256sum 命令，跳过校验。"
fi

if ls debs/*.deb >/dev/null 2>&1; then
    count=$(ls debs/*.deb | wc -l)
    if [ "$(id -u)" = 0 ]; then
        say "2/5 安装 debs/ 中的系统软件包（$count 个：LibreOffice、中文字体、ffmpeg、Graphviz 等）……"
        DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-download --no-install-recommends ./debs/*.deb \
            || dpkg -i debs/*.deb \
            || fail "系统软件包安装失败（见上）：请检查本机是否为与制作安装包相同的 Debian 版本。"
    else
        say "2/5 跳过系统软件包：以 root 运行（sudo ./install.sh）可安装 debs/ 中的 $count 个软件包；不装也能使用，只是不能导出 PDF 等（见最后的运行检查）。"
    fi
else
    say "2/5 安装包中没有 debs/，跳过系统软件包。"
fi

say "3/5 检查 Python……"
PY=${PYTHON:-python3}
command -v "$PY" >/dev/null 2>&1 || fail "没有找到 $PY：请先安装 Python $(cat PYTHON_VERSION)（Debian 12：apt-get install python3 python3-venv）。"
want=$(cat PYTHON_VERSION)
have=$("$PY" -c 'import sys; print("%d.%d" % sys.version_info[:2])')
[ "$have" = "$want" ] || fail "本安装包为 Python $want 制作，本机的 $PY 是 Python $have：请用 PYTHON=python$want ./install.sh 指定，或在与本机相同的系统上重新制作安装包（make bundle）。"
[ "$(uname -m)" = "$(cat PLATFORM)" ] || fail "本安装包为 $(cat PLATFORM) 制作，本机是 $(uname -m)：请在与本机相同的平台上重新制作安装包。"

say "4/5 创建虚拟环境并从 wheelhouse/ 安装（不联网，约需一分钟）……"
if [ ! -x .venv/bin/python ]; then
    "$PY" -m venv .venv || fail "无法创建虚拟环境：Debian/Ubuntu 请安装 python3-venv（安装包带有 debs/ 时，以 root 运行本脚本会自动安装）。"
fi
# Only the wheelhouse, never an index: for this install (the machine's own pip settings are ignored) and,
# through the venv's pip.conf, for any later `make install`.
printf '[global]\nno-index = true\nfind-links = %s/wheelhouse\ndisable-pip-version-check = true\n' "$HERE" > .venv/pip.conf
for name in $(env | sed -n 's/^\(PIP_[A-Z_]*\)=.*/\1/p'); do unset "$name"; done
# --no-compile: Python compiles what it imports on first use; compiling every module of every package up front
# took longer than the install itself (110 s against 42 s on two cores).
PIP_CONFIG_FILE=/dev/null .venv/bin/python -m pip install -q --no-index --find-links "$HERE/wheelhouse" \
    --disable-pip-version-check --no-compile -c requirements.lock -e '.[test]' \
    || fail "从 wheelhouse/ 安装失败（见上）：安装包可能不是为本机平台制作的，请在相同系统上重新制作（make bundle）。"
touch .venv/.installed  # what `make install` leaves behind: `make run` starts without installing again

say "5/5 运行检查……"
.venv/bin/case-assistant doctor || say "（运行检查发现了必需项的问题，见上面的“解决”。）"

say ""
say "安装完成。启动：make run（或 .venv/bin/case-assistant prepare && .venv/bin/case-assistant serve），"
say "浏览器打开 http://127.0.0.1:7860 。让局域网使用、备份与恢复：见 README.md 的“内网部署”一节。"
