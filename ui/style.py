"""The page's CSS, passed to ``mount_gradio_app`` (Gradio 6 takes css at mount, not in Blocks()).

Kept as a Python string so it ships inside the wheel with no package-data rules.
Fonts: system CJK fonts first, so Chinese renders without fetching any web font.
"""

CSS = """
:root { --ca-ok:#2e7d32; --ca-doing:#1565c0; --ca-needs:#c62828; --ca-todo:#9e9e9e; }
body, .gradio-container { font-family: "Noto Sans CJK SC","WenQuanYi Zen Hei","Microsoft YaHei","PingFang SC",sans-serif !important; }
#header { align-items: center; border-bottom: 1px solid var(--border-color-primary); padding: 2px 0 4px; gap: 8px;
          flex-wrap: nowrap; position: sticky; top: 0; z-index: 20; background: var(--background-fill-primary); }
#header-bar { min-width: 0 !important; }
/* One line that shrinks instead of overlapping (the badge used to cover the user's name at 1366 px). */
.ca-header { display: flex; align-items: center; gap: 4px 12px; flex-wrap: wrap; min-width: 0; }
.ca-header h1 { font-size: 1.25rem; margin: 0; white-space: nowrap; }
.mode-badge { display:inline-block; white-space:nowrap; overflow:hidden; text-overflow:ellipsis; max-width:48vw;
              padding:3px 12px; border-radius:999px; font-size:.85rem; font-weight:600; }
.mode-offline { background:#fff3e0; color:#e65100; border:1px solid #ffb74d; }
.mode-model { background:#e8f5e9; color:#1b5e20; border:1px solid #81c784; }
.user-line { color: var(--body-text-color-subdued); font-size:.9rem; white-space:nowrap; overflow:hidden;
             text-overflow:ellipsis; min-width:0; margin-left:auto; }
/* Room for the work: Gradio's 32 px margins and 16 px gaps cost the chat its input at 768 px. */
.gradio-container .main.app { padding: 4px 14px 8px !important; }
.column:has(> #header), #main { gap: 6px !important; }
#toolbar { align-items: center; gap: 8px; flex-wrap: wrap; }
#app-select { flex: 1 1 320px !important; }
#new-app { flex: 0 0 190px !important; min-width: 150px !important; }
#downloads { flex: 0 1 500px !important; min-width: 0 !important; }
#main-tabs { gap: 6px; }
.downloads { display:flex; flex-wrap:wrap; align-items:center; gap:6px; }
.downloads.empty { color: var(--body-text-color-subdued); font-size:.85rem; }
.downloads .dl-label { color: var(--body-text-color-subdued); font-size:.9rem; }
.downloads .dl { padding:5px 12px; border-radius:6px; font-weight:600; white-space:nowrap; text-decoration:none;
                 background: var(--button-secondary-background-fill); color: var(--button-secondary-text-color) !important; }
.downloads .dl:hover { background: var(--button-secondary-background-fill-hover); }
#composer { align-items: stretch; gap: 6px; }
#composer button { align-self: stretch; white-space: nowrap; }
.busy { font-size:.85rem; color: var(--ca-doing); padding: 2px 4px; }
#draft-actions { gap: 6px; }
#login { max-width: 420px; margin: 40px auto; }
.download-link { display:block; text-align:center; padding:10px; border-radius:8px; font-weight:600; background: var(--button-secondary-background-fill); color: var(--button-secondary-text-color) !important; text-decoration:none; }
.rail { display:flex; flex-direction:column; gap:10px; }
.rail.empty, .versions.empty { color: var(--body-text-color-subdued); padding: 8px; }
.rail-group { border:1px solid var(--border-color-primary); border-radius:8px; padding:8px; }
.rail-group-head { display:flex; justify-content:space-between; margin-bottom:4px; }
.rail-part { display:block; width:100%; text-align:left; font:inherit; color:inherit; background:none; border:0;
             cursor:pointer; padding:4px 4px 2px; border-radius:6px; margin-top:4px; }
.rail-part:hover { background: var(--background-fill-secondary); }
.rail-part:focus-visible { outline:2px solid var(--color-accent); }
.rail-part.selected { background: var(--background-fill-secondary); outline:1px solid var(--color-accent); }
.rail-part-head { display:flex; align-items:center; gap:6px; font-size:.88rem; margin-bottom:2px; }
.rail-part-head .title { flex:1; }
.rail .count { font-variant-numeric: tabular-nums; color: var(--body-text-color-subdued); font-size:.82rem; white-space:nowrap; }
.chip { font-size:.75rem; padding:1px 6px; border-radius:4px; color:#fff; background:var(--ca-todo); white-space:nowrap; }
.status-doing .chip { background:var(--ca-doing); }
.status-done .chip { background:var(--ca-ok); }
.status-needs .chip { background:var(--ca-needs); }
.bar { height:6px; background: var(--background-fill-secondary); border-radius:3px; overflow:hidden; }
.bar.group-bar { height:8px; }
.bar span { display:block; height:100%; background: var(--color-accent); }
.bar.over span { background: var(--ca-needs); }
.rail-info { font-size:.85rem; color: var(--ca-needs); }
.versions details { border-bottom:1px solid var(--border-color-primary); padding:4px 0; }
.version-text { white-space: pre-wrap; font-size:.9rem; padding:6px; }
.qa-history { display:flex; flex-direction:column; gap:10px; }
.qa-entry { border:1px solid var(--border-color-primary); border-radius:8px; padding:8px 12px; }
.qa-entry .qa-question { font-weight:600; margin-bottom:6px; }
.qa-notfound { font-weight:700; color: var(--ca-needs); font-size:1.05rem; margin-bottom:6px; }
.qa-answer { line-height:1.7; margin-bottom:10px; }
.qa .cite { color: var(--color-accent); font-weight:600; }
.qa-sources-head { font-weight:600; margin:6px 0; }
.citation { border:1px solid var(--border-color-primary); border-radius:6px; padding:6px 10px; margin-bottom:6px; }
.citation summary { cursor:pointer; }
.citation .locator { color: var(--body-text-color-subdued); font-size:.85rem; margin-left:6px; }
.citation blockquote { white-space: pre-wrap; margin:6px 0; padding-left:10px; border-left:3px solid var(--color-accent); }
/* Gradio's toasts print their type ("Warning"/"Info") and ignore gr.Warning(title=...); show Chinese instead. */
.toast-title { font-size: 0 !important; }
.toast-title::before { font-size: var(--text-md); font-weight: 600; }
.toast-title.warning::before { content: "提示"; }
.toast-title.info::before, .toast-title.success::before { content: "完成"; }
.toast-title.error::before { content: "出错了"; }
/* The chatbot's clear button would only blank the screen: the conversation is stored for good. */
#chat button[aria-label="清空对话"], #chat button[aria-label="Clear"] { display: none; }
.citation-source { font-size:.8rem; color: var(--body-text-color-subdued); }
/* 审阅 panel, 申报信息表 status, 申报总览 (issue 13) */
.review-counts { font-weight:600; margin-bottom:6px; }
.review h4, .readonly h4 { margin:12px 0 4px; }
.review-group { margin-bottom:8px; }
.review-group-head { font-weight:600; padding:2px 8px; border-radius:4px; display:inline-block; color:#fff; }
.sev-error { background: var(--ca-needs); } .sev-warning { background:#ef6c00; } .sev-suggestion { background: var(--ca-doing); }
.review ul { margin:4px 0 4px 18px; padding:0; }
.finding { margin:4px 0; line-height:1.6; }
.finding-part { font-weight:600; margin-right:6px; }
.finding-part::after { content:"："; }
.finding-excerpt { color: var(--body-text-color-subdued); font-size:.88rem; white-space: pre-wrap; }
.finding-fix { font-size:.88rem; color: var(--ca-ok); }
.checklist { width:100%; border-collapse:collapse; font-size:.88rem; }
.checklist td, .checklist th { border:1px solid var(--border-color-primary); padding:4px 6px; vertical-align:top; text-align:left; }
.checklist-detail, .checklist-notice { color: var(--body-text-color-subdued); font-size:.82rem; }
.status { white-space:nowrap; padding:1px 6px; border-radius:4px; color:#fff; font-size:.8rem; }
.status-ok { background: var(--ca-ok); } .status-missing { background: var(--ca-needs); } .status-check { background: var(--ca-todo); }
.alignment-item.open b { color: var(--ca-needs); }
.alignment-note { font-size:.82rem; color:#ef6c00; }
.form-status.ok { color: var(--ca-ok); font-weight:600; }
.form-status.todo { color: var(--ca-needs); font-size:.9rem; }
.word-count { font-variant-numeric: tabular-nums; color: var(--body-text-color-subdued); font-size:.85rem; }
.word-count.over { color: var(--ca-needs); font-weight:600; }
.download-links { display:flex; flex-wrap:wrap; gap:8px; margin:6px 0; }
.download-links .download-link { display:inline-block; padding:6px 12px; }
.ro-info { border-collapse:collapse; margin-bottom:8px; }
.ro-info th, .ro-info td { border:1px solid var(--border-color-primary); padding:4px 8px; text-align:left; vertical-align:top; }
.ro-text { white-space: pre-wrap; line-height:1.7; }
/* Phone (issue 28): one column in task order — chat, the current draft, then the rail; nothing wider than the screen. */
@media (max-width: 640px) {
  .gradio-container { padding-left: 6px !important; padding-right: 6px !important; }
  #header { flex-wrap: wrap; }
  .ca-header h1 { font-size: 1.05rem; }
  .mode-detail { display: none; }
  .user-line { margin-left: 0; max-width: 100%; }
  #ws-main { flex-direction: column; }
  #ws-main > * { min-width: 0 !important; width: 100%; }
  #col-chat { order: 1; } #col-draft { order: 2; } #col-rail { order: 3; }
  #chat { height: 46vh !important; }  /* the input stays on the first screen */
  .downloads .dl-label { display: none; }
  #app-select, #new-app, #downloads { min-width: 0 !important; flex: 1 1 100% !important; }
  #main-tabs button[role="tab"] { padding-left: 8px; padding-right: 8px; }
  .checklist, table.board, table.audit { display: block; overflow-x: auto; }
}
"""

# Toasts at the bottom right on a laptop: at the top they covered the toolbar's downloads for five seconds. In the
# page's <head>, not in CSS above: Gradio scopes the rules of an @media block to its content area (``.contain``),
# which the toasts are not inside, so the same rule in CSS never reached them. On a phone they stay at the top,
# away from 发送.
HEAD = "<style>@media (min-width: 641px) { .toast-wrap { top: auto !important; bottom: 16px !important; } }</style>"
