// The inspector page. It draws the views that /_emulator/inspector answers (their shapes: src/inspector/view.ts)
// with one set of functions for every kind — a list, an object with fields and sections, a timeline — so a new
// kind needs nothing here. Every view has its own URL under /_emulator/ui (real links, history navigation), and
// stays current without a reload: server-sent `change` events (/_emulator/inspector/events) ask for the view
// again, and so does its `next_change_at` while the clock is real. Everything is built with DOM calls and
// textContent: what clients stored (message texts, file contents) is never parsed as HTML.

const UI = '/_emulator/ui'
const DATA = '/_emulator/inspector'
const SVG = 'http://www.w3.org/2000/svg'

const main = document.getElementById('main')
const navList = document.getElementById('nav')
const clockMode = document.getElementById('clock-mode')
const clockNow = document.getElementById('clock-now')
const advanceForm = document.getElementById('advance')
const live = document.getElementById('live')

/** What is shown: the view's URL, its JSON text (an unchanged answer is not drawn again) and its data. */
const shown = { url: '', text: '', view: null, readAt: 0 }
let refreshTimer = null
let clockTimer = null
let loading = null
let loadAgain = false

// ---------------------------------------------------------------------------------------------------------
// Small helpers
// ---------------------------------------------------------------------------------------------------------

/** An element with attributes (`on…` functions become listeners; null and false are left out) and children. */
function h (tag, attrs = {}, ...children) {
  const node = document.createElement(tag)
  setAttributes(node, attrs)
  append(node, children)
  return node
}

function s (tag, attrs = {}, ...children) {
  const node = document.createElementNS(SVG, tag)
  setAttributes(node, attrs)
  append(node, children)
  return node
}

function setAttributes (node, attrs) {
  for (const [name, value] of Object.entries(attrs)) {
    if (value === null || value === undefined || value === false) continue
    if (name.startsWith('on') && typeof value === 'function') node.addEventListener(name.slice(2), value)
    else node.setAttribute(name, value === true ? '' : String(value))
  }
}

function append (node, children) {
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue
    node.append(child instanceof Node ? child : document.createTextNode(String(child)))
  }
}

let idCounter = 0
const newId = prefix => `${prefix}-${++idCounter}`

const pad = (n, width = 2) => String(n).padStart(width, '0')

/** An instant as `2025-01-01 00:00:02.500 UTC`: the emulator's clock may be virtual, so never the local zone. */
function formatTime (ms) {
  const d = new Date(ms)
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ` +
    `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}.${pad(d.getUTCMilliseconds(), 3)} UTC`
}

/** A length of time: `250 ms`, `1.5 s`, `2 min 5 s`, `3 h 2 min`. */
function formatDuration (ms) {
  const abs = Math.abs(ms)
  if (abs < 1000) return `${Math.round(abs * 100) / 100} ms`
  if (abs < 60_000) return `${(abs / 1000).toFixed(abs % 1000 === 0 ? 0 : 1)} s`
  if (abs < 3_600_000) return `${Math.floor(abs / 60_000)} min ${Math.round((abs % 60_000) / 1000)} s`
  return `${Math.floor(abs / 3_600_000)} h ${Math.round((abs % 3_600_000) / 60_000)} min`
}

/** `+1.5 s` after a start. */
const relative = (ms, start) => `+${formatDuration(ms - start)}`

function formatBytes (n) {
  if (n < 1024) return `${n} B`
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KiB`
  return `${(n / 1024 / 1024).toFixed(1)} MiB`
}

const formatNumber = n => typeof n === 'number' ? n.toLocaleString('en-US') : String(n)

const statusClass = status => `status st-${/^\d/.test(status) ? `${status[0]}xx` : status}`

/** A ref (a view's path below /_emulator/ui, maybe with a query and a #fragment) as a page URL. */
const pageHref = ref => `${UI}/${ref}`

/** An internal link: handled without a reload, opened normally with a modifier key or the middle button. */
function viewLink (text, ref, attrs = {}) {
  return h('a', { href: pageHref(ref), 'data-view': true, ...attrs }, text)
}

// ---------------------------------------------------------------------------------------------------------
// Cells, fields, blocks
// ---------------------------------------------------------------------------------------------------------

/** One value of a table cell or a field (see `Cell` in src/inspector/view.ts). */
function cell (value) {
  if (value === null || value === undefined || value === '') return h('span', { class: 'muted' }, '—')
  if (typeof value !== 'object') return typeof value === 'number' ? formatNumber(value) : String(value)
  switch (value.type) {
    case 'time':
      return h('time', { class: 'nowrap', datetime: new Date(value.ms).toISOString(), title: shown.view ? `${formatDuration(shown.view.now - value.ms)} before the view was read` : null }, formatTime(value.ms))
    case 'duration': return h('span', { class: 'nowrap' }, formatDuration(value.ms))
    case 'bytes': return formatBytes(value.bytes)
    case 'status': return h('span', { class: statusClass(value.status) }, value.status)
    case 'code': return h('code', {}, value.text)
    case 'link': return viewLink(value.text, value.ref)
    case 'meter': return h('span', {}, h('meter', { value: value.value, min: 0, max: value.max, 'aria-label': value.text }), ' ', value.text)
    case 'list': return h('ul', { class: 'inline-list' }, value.items.map(item => h('li', {}, cell(item))))
    case 'json': {
      const text = JSON.stringify(value.value, null, 2)
      return text.length <= 60 && !text.includes('\n') ? h('code', {}, text) : h('pre', {}, h('code', {}, text))
    }
    default: return JSON.stringify(value)
  }
}

function fieldList (fields) {
  if (fields.length === 0) return null
  return h('dl', { class: 'fields' }, fields.map(field => [h('dt', {}, field.label), h('dd', {}, cell(field.value))]))
}

function block (b) {
  return h('figure', { class: 'block' },
    h('figcaption', {}, b.label, b.note ? ` (${b.note})` : ''),
    b.text === '' ? null : h('pre', { class: b.format === 'json' ? 'json' : 'text' }, h('code', {}, b.text)))
}

function table (columns, rows, labelledBy, empty = 'None.') {
  if (rows.length === 0) return h('p', { class: 'empty' }, empty)
  return h('div', { class: 'table-wrap' },
    h('table', { 'aria-labelledby': labelledBy },
      h('thead', {}, h('tr', {}, columns.map(column => h('th', { scope: 'col' }, column.label)))),
      h('tbody', {}, rows.map(row => h('tr', { 'data-id': row.id }, columns.map(column => h('td', {}, cell(row.cells[column.key]))))))))
}

/** `?name=value` set on the current URL (other parameters kept; an empty value removes it). */
function withParam (name, value) {
  const params = new URLSearchParams(location.search)
  if (value === '' || value === null) params.delete(name)
  else params.set(name, String(value))
  const query = params.toString()
  return `${location.pathname}${query === '' ? '' : `?${query}`}`
}

/** Earlier / later links over a section's page (`?<param>=<offset>`). */
function sectionPages (page) {
  if (page === undefined || page.total <= page.limit) return null
  const first = page.offset + 1
  const last = Math.min(page.total, page.offset + page.limit)
  return h('nav', { class: 'pages', 'aria-label': `Pages of ${page.param}` },
    h('span', {}, `${first}–${last} of ${formatNumber(page.total)}`),
    page.offset > 0 ? h('a', { href: withParam(page.param, Math.max(0, page.offset - page.limit)), 'data-view': true }, 'Earlier') : null,
    page.offset + page.limit < page.total ? h('a', { href: withParam(page.param, page.offset + page.limit), 'data-view': true }, 'Later') : null)
}

// ---------------------------------------------------------------------------------------------------------
// The timeline
// ---------------------------------------------------------------------------------------------------------

/** A round step for about `count` ticks over `span` ms: 1, 2 or 5 times a power of ten. */
function tickStep (span, count = 6) {
  const raw = Math.max(span / count, 1)
  const power = 10 ** Math.floor(Math.log10(raw))
  return [1, 2, 5, 10].map(f => f * power).find(step => step >= raw)
}

/** A timeline (see `Timeline` in src/inspector/view.ts) as an SVG time axis, then every change as a table. */
function timelineView (t, titleId) {
  const width = 960
  const labelWidth = 240
  const right = 40
  const laneHeight = 26
  const top = 28
  const span = Math.max(t.end - t.start, 1)
  const x = ms => labelWidth + (ms - t.start) / span * (width - labelWidth - right)
  const height = top + t.lanes.length * laneHeight + (t.marks.length > 0 ? 22 : 8)
  const descId = newId('timeline-desc')
  const svgTitleId = newId('timeline-title')
  const svg = s('svg', { viewBox: `0 0 ${width} ${height}`, role: 'img', 'aria-labelledby': `${svgTitleId} ${descId}` },
    s('title', { id: svgTitleId }, 'Timeline'),
    s('desc', { id: descId }, t.lanes[0].spans.map(sp => `${sp.status} at ${relative(sp.from, t.start)}`).join(', ')))

  const axis = s('g', { class: 'axis' })
  const step = tickStep(span)
  for (let at = 0; at <= span + 0.5; at += step) {
    const tx = x(t.start + at)
    axis.append(s('line', { x1: tx, x2: tx, y1: top - 6, y2: height - 4, class: 'grid' }),
      s('text', { x: tx, y: top - 10, 'text-anchor': at === 0 ? 'start' : 'middle' }, `+${formatDuration(at)}`))
  }
  svg.append(axis)

  t.lanes.forEach((lane, i) => {
    const y = top + i * laneHeight
    const label = lane.label.length > 32 ? `${lane.label.slice(0, 31)}…` : lane.label
    svg.append(s('text', { x: labelWidth - 8, y: y + laneHeight / 2 + 4, 'text-anchor': 'end' }, s('title', {}, lane.label), label))
    for (const sp of lane.spans) {
      const x1 = x(sp.from)
      const x2 = x(sp.to === null ? t.end : sp.to)
      const w = Math.max(x2 - x1, 4)
      const until = sp.to === null ? 'still going on' : `until ${relative(sp.to, t.start)}`
      svg.append(s('g', { class: `st-${sp.status}` },
        s('rect', { class: 'span', x: x1, y: y + 4, width: w, height: laneHeight - 8, rx: 3 }, s('title', {}, `${sp.status}: from ${relative(sp.from, t.start)} ${until}`)),
        // The status's name inside its span, when it fits (about 7.5 px a character).
        w > sp.status.length * 7.5 + 8 ? s('text', { class: 'span-label', x: x1 + 5, y: y + laneHeight / 2 + 4 }, sp.status) : null))
    }
  })

  for (const mark of t.marks) {
    const mx = x(mark.at)
    svg.append(s('g', { class: 'mark' },
      s('line', { x1: mx, x2: mx, y1: top, y2: height - 14 }),
      // Labels of marks in the right half run leftwards, so they stay inside the drawing.
      s('text', { x: mx > width / 2 ? mx - 3 : mx + 3, y: height - 4, 'text-anchor': mx > width / 2 ? 'end' : 'start' }, `${mark.label} at ${relative(mark.at, t.start)}`)))
  }
  if (t.live) {
    const nx = x(t.end)
    svg.append(s('g', { class: 'now' }, s('line', { x1: nx, x2: nx, y1: top - 4, y2: height - 14 }), s('text', { x: nx - 4, y: height - 4, 'text-anchor': 'end' }, 'now')))
  }

  const eventsId = newId('events')
  return h('div', { class: 'timeline-view' },
    h('figure', { class: 'timeline' }, svg,
      h('figcaption', { class: 'visually-hidden' }, `Statuses and steps over time, from its creation at ${formatTime(t.start)}${t.live ? ' until now' : ''}.`)),
    h('h3', { id: eventsId, class: 'visually-hidden' }, 'Every change in order'),
    table([{ key: 'rel', label: 'After creation' }, { key: 'at', label: 'Emulator time' }, { key: 'text', label: 'Change' }],
      t.events.map((event, i) => ({ id: String(i), cells: { rel: relative(event.at, t.start), at: { type: 'time', ms: event.at }, text: event.text } })),
      eventsId))
}

// ---------------------------------------------------------------------------------------------------------
// Views
// ---------------------------------------------------------------------------------------------------------

function entryView (entry) {
  const headingId = newId('entry')
  return h('li', { class: 'entry', id: entry.id },
    h('article', { 'aria-labelledby': headingId },
      h('header', {},
        h('h3', { id: headingId, class: `role-${entry.title}` }, entry.title),
        entry.status ? h('span', { class: statusClass(entry.status) }, entry.status) : null,
        entry.at !== undefined ? cell({ type: 'time', ms: entry.at }) : null),
      fieldList(entry.fields),
      entry.blocks.map(block)))
}

function sectionView (section) {
  const headingId = newId('section')
  const heading = h('h2', { id: headingId }, section.title)
  let body
  switch (section.type) {
    case 'fields': body = fieldList(section.fields); break
    case 'blocks': body = section.blocks.map(block); break
    case 'table': body = [table(section.columns, section.rows, headingId), sectionPages(section.page)]; break
    case 'entries':
      body = section.entries.length === 0
        ? h('p', { class: 'empty' }, section.empty ?? 'None.')
        : [sectionPages(section.page), h('ol', { class: 'entries', 'aria-labelledby': headingId }, section.entries.map(entryView)), sectionPages(section.page)]
      break
    case 'timeline': body = timelineView(section.timeline, headingId); break
    case 'search': body = searchForm([{ name: section.param, label: section.label, value: section.value, type: 'search' }], 'Search'); break
    default: body = h('p', {}, `(a ${section.type} section this page does not know)`)
  }
  return h('section', { 'aria-labelledby': headingId, class: `section section-${section.type}` }, heading, body)
}

/** A search form: its inputs set the query of the current view (empty ones are left out). */
function searchForm (inputs, button, clearable = false) {
  const form = h('form', { role: 'search', class: 'toolbar' },
    inputs.map(input => {
      const id = newId('input')
      const control = input.options
        ? h('select', { id, name: input.name }, input.options.map(o => h('option', { value: o.value, selected: o.value === input.value }, o.label)))
        : h('input', { id, name: input.name, type: input.type ?? 'text', value: input.value, autocomplete: 'off' })
      return h('label', { for: id }, input.label, control)
    }),
    h('button', { type: 'submit' }, button),
    clearable && inputs.some(input => input.value !== '') ? h('a', { href: location.pathname, 'data-view': true }, 'Clear') : null)
  form.addEventListener('submit', event => {
    event.preventDefault()
    const params = new URLSearchParams(location.search)
    for (const input of inputs) {
      const value = String(new FormData(form).get(input.name) ?? '').trim()
      if (value === '') params.delete(input.name)
      else params.set(input.name, value)
    }
    // A new search starts from the newest again.
    params.delete('after')
    params.delete('before')
    const query = params.toString()
    navigate(`${location.pathname}${query === '' ? '' : `?${query}`}`)
  })
  return form
}

function listView (view) {
  const summary = view.total === 0
    ? 'Nothing matches.'
    : `${formatNumber(view.data.length)} of ${formatNumber(view.total)}, newest first${view.newer !== null ? ' (newer ones on earlier pages)' : ''}.`
  const titleId = newId('list')
  return [
    h('h1', { id: titleId }, view.title),
    searchForm([
      { name: 'q', label: view.search.label, value: view.search.q, type: 'search' },
      ...view.filters.map(filter => ({ name: filter.name, label: filter.label, value: filter.value, options: filter.options }))
    ], 'Search', true),
    h('p', { class: 'summary' }, summary),
    table(view.columns, view.data, titleId, 'Nothing here yet.'),
    h('nav', { class: 'pages', 'aria-label': 'Pages' },
      view.newer !== null ? h('a', { href: withParamPair('before', view.newer), 'data-view': true }, 'Newer') : null,
      view.older !== null ? h('a', { href: withParamPair('after', view.older), 'data-view': true }, 'Older') : null,
      view.newer !== null ? h('a', { href: withParamPair(null, null), 'data-view': true }, 'Newest') : null)
  ]
}

/** The current URL with one cursor (`after` or `before`) set and the other removed; null removes both. */
function withParamPair (name, value) {
  const params = new URLSearchParams(location.search)
  params.delete('after')
  params.delete('before')
  if (name !== null) params.set(name, value)
  const query = params.toString()
  return `${location.pathname}${query === '' ? '' : `?${query}`}`
}

function detailView (view) {
  return [
    view.trail.length === 0
      ? null
      : h('nav', { class: 'breadcrumb', 'aria-label': 'Breadcrumb' },
        h('ol', {}, view.trail.map(step => h('li', {}, viewLink(step.text, step.ref))), h('li', { 'aria-current': 'page' }, view.id))),
    h('h1', {}, view.title),
    view.status === null
      ? null
      : h('p', { class: 'view-status' }, 'Status: ', h('span', { role: 'status', 'aria-label': 'Status', class: statusClass(view.status) }, view.status)),
    fieldList(view.fields),
    view.actions.length === 0 ? null : h('div', { class: 'actions' }, view.actions.map(actionButton)),
    view.sections.map(sectionView)
  ]
}

function actionButton (action) {
  const button = h('button', { type: 'button' }, action.label)
  button.addEventListener('click', async () => {
    button.disabled = true
    try {
      await send(action.method, action.path, action.body)
      await load({ soft: true })
    } catch (err) {
      showProblem(err)
    } finally {
      button.disabled = false
    }
  })
  return button
}

// ---------------------------------------------------------------------------------------------------------
// Navigation, clock, loading
// ---------------------------------------------------------------------------------------------------------

/** The view's path below /_emulator/ui ('' for the overview). */
const viewPath = () => location.pathname.slice(UI.length).replace(/^\/+/, '')

function drawNavigation (navigation) {
  const path = viewPath()
  const items = [{ name: '', title: 'Overview', count: null }, ...navigation]
  const current = items.find(item => item.name !== '' && (path === item.name || path.startsWith(`${item.name}/`)))?.name ?? (path === '' ? '' : null)
  navList.replaceChildren(...items.map(item => h('li', {},
    h('a', { href: item.name === '' ? UI : pageHref(item.name), 'data-view': true, 'aria-current': item.name === current ? 'page' : null },
      item.title, item.count === null ? null : h('span', { class: 'count' }, formatNumber(item.count))))))
}

function drawClock (view) {
  clockMode.textContent = view.clock === 'virtual' ? 'Virtual clock:' : 'Real clock:'
  advanceForm.hidden = view.clock !== 'virtual'
  const tick = () => {
    // A real clock goes on between reads; a virtual one only moves when told.
    const now = view.clock === 'real' ? view.now + (Date.now() - shown.readAt) : view.now
    clockNow.dateTime = new Date(now).toISOString()
    clockNow.textContent = formatTime(view.clock === 'real' ? Math.floor(now / 1000) * 1000 : now)
  }
  tick()
  clearInterval(clockTimer)
  if (view.clock === 'real') clockTimer = setInterval(tick, 1000)
}

class Problem extends Error {}

/** Sends a control-plane request; throws a Problem with the API's message when it fails. */
async function send (method, path, body) {
  const response = await fetch(path, { method, headers: { 'content-type': 'application/json', accept: 'application/json' }, body: JSON.stringify(body) })
  if (!response.ok) {
    const answer = await response.json().catch(() => null)
    throw new Problem(answer?.error?.message ?? `${method} ${path}: ${response.status}`)
  }
  return response
}

function showProblem (err) {
  const note = h('p', { class: 'error', role: 'alert' }, err instanceof Problem ? err.message : `Could not reach the emulator (${err.message}).`)
  main.prepend(note)
  setTimeout(() => note.remove(), 8000)
}

/** The data URL of the current page: /_emulator/ui/threads?q=x → /_emulator/inspector/threads?q=x. */
const dataUrl = () => `${DATA}/${viewPath() === '' ? 'overview' : viewPath()}${location.search}`

/**
 * Asks for the current view and draws it. `soft`: a refresh of the same view — nothing is drawn when the answer
 * is unchanged, or while a control inside the view has the focus (typing must not be interrupted); scroll is kept.
 */
async function load ({ soft = false } = {}) {
  if (loading !== null) {
    loadAgain = true
    return loading
  }
  loading = (async () => {
    const url = dataUrl()
    clearTimeout(refreshTimer)
    try {
      const response = await fetch(url, { headers: { accept: 'application/json' } })
      const text = await response.text()
      if (!response.ok) {
        let message = `${response.status}`
        try { message = JSON.parse(text).error.message } catch {}
        shown.url = url
        shown.text = ''
        main.replaceChildren(h('h1', {}, response.status === 404 ? 'Not found' : 'Cannot show this view'), h('p', { class: 'error', role: 'alert' }, message),
          h('p', {}, viewLink('Back to the overview', '')))
        return
      }
      const sameView = soft && shown.url === url
      const view = JSON.parse(text)
      shown.readAt = Date.now()
      drawNavigation(view.navigation)
      drawClock(view)
      schedule(view)
      // A real clock's `now` differs at every read: what is drawn only changes when the rest does.
      const content = JSON.stringify({ ...view, now: 0, navigation: null })
      if (sameView && content === shown.text) return
      const focused = document.activeElement
      if (sameView && focused !== null && main.contains(focused) && focused.matches('input, select, textarea')) {
        // Drawn once the control lets go of the focus.
        focused.addEventListener('blur', () => load({ soft: true }), { once: true })
        return
      }
      shown.url = url
      shown.text = content
      shown.view = view
      const y = window.scrollY
      const changed = sameView ? changedControls() : []
      main.replaceChildren(...[view.object === 'inspector.list' ? listView(view) : detailView(view)].flat(Infinity).filter(Boolean))
      restoreControls(changed)
      document.title = `${view.object === 'inspector.list' ? view.title : view.title} · aoai-emulator inspector`
      if (sameView) window.scrollTo(0, y)
      else if (location.hash !== '') document.getElementById(decodeURIComponent(location.hash.slice(1)))?.scrollIntoView()
    } catch (err) {
      showProblem(err)
    }
  })()
  try {
    await loading
  } finally {
    loading = null
    if (loadAgain) {
      loadAgain = false
      load({ soft: true })
    }
  }
}

/** The form controls in the view that the user changed and has not submitted yet: [name, value] pairs. */
function changedControls () {
  return [...main.querySelectorAll('input[name], select[name]')]
    .filter(control => control.tagName === 'SELECT'
      ? [...control.options].some(option => option.selected !== option.defaultSelected)
      : control.value !== control.defaultValue)
    .map(control => [control.name, control.value])
}

/** Puts back what `changedControls` saw into the view drawn again: a refresh never undoes a choice. */
function restoreControls (changed) {
  for (const [name, value] of changed) {
    const control = main.querySelector(`[name="${CSS.escape(name)}"]`)
    if (control !== null) control.value = value
  }
}

/** With a real clock, asks again when the view says it next changes by itself. */
function schedule (view) {
  clearTimeout(refreshTimer)
  if (view.clock !== 'real' || view.next_change_at === null) return
  const wait = Math.min(60_000, Math.max(50, view.next_change_at - view.now + 20))
  refreshTimer = setTimeout(() => load({ soft: true }), wait)
}

/** Goes to `href` (a page URL) without a reload, as a new history entry. */
function navigate (href) {
  history.pushState(null, '', href)
  load().then(() => { if (location.hash === '') main.focus({ preventScroll: true }) })
  window.scrollTo(0, 0)
}

document.addEventListener('click', event => {
  const a = event.target instanceof Element ? event.target.closest('a[data-view]') : null
  if (a === null || event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return
  const target = new URL(a.href, location.href)
  if (target.origin !== location.origin || !target.pathname.startsWith(UI)) return
  event.preventDefault()
  if (target.pathname === location.pathname && target.search === location.search && target.hash !== '') {
    history.pushState(null, '', target.href)
    document.getElementById(decodeURIComponent(target.hash.slice(1)))?.scrollIntoView()
    return
  }
  navigate(target.pathname + target.search + target.hash)
})
window.addEventListener('popstate', () => load())

advanceForm.addEventListener('submit', async event => {
  event.preventDefault()
  const amount = Number(advanceForm.elements.amount.value)
  const unit = Number(advanceForm.elements.unit.value)
  const button = advanceForm.querySelector('button')
  button.disabled = true
  try {
    await send('POST', '/_emulator/clock/advance', { ms: Math.round(amount * unit) })
    await load({ soft: true })
  } catch (err) {
    showProblem(err)
  } finally {
    button.disabled = false
  }
})

/** Live updates: `change` events ask for the view again; without them (a proxy that buffers), polling does. */
function listen () {
  if (typeof EventSource !== 'function') return poll()
  const source = new EventSource(`${DATA}/events`)
  source.addEventListener('ready', () => { live.textContent = 'on' })
  source.addEventListener('change', () => load({ soft: true }))
  source.addEventListener('error', () => {
    if (source.readyState === EventSource.CLOSED) {
      live.textContent = 'polling every 2 s'
      poll()
    } else {
      live.textContent = 'reconnecting…'
    }
  })
}

function poll () {
  setInterval(() => load({ soft: true }), 2000)
}

load()
listen()
