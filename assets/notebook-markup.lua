--[[
  Markup that reads well in JupyterLab, turned into what Quarto renders
  (`filters:` in _quarto.yml). User filters run before Quarto's own, after it
  has parsed callouts, so an answer is made with Quarto's callout constructor
  (quarto.Callout); speaker notes are a plain `.notes` div, as `::: {.notes}`.

  A notebook hides two kinds of text in a collapsed HTML <details>, which
  JupyterLab shows as one clickable line:

    <details><summary>Answer</summary>          a "Check yourself" answer:
                                                 a collapsed callout on the page,
    Ω₀ is 8×2, ...                               a fragment (next click) on the
                                                 slides
    </details>

    <details><summary>Speaker notes</summary>   speaker notes: the speaker view
                                                 on the slides (press S), an
    What to say.                                 aside labelled "Speaker notes"
                                                 on the page
    </details>

  The blank lines around the text matter: without them neither JupyterLab nor
  Pandoc reads the text as Markdown.

  A dense slide that needs reveal.js's smaller text says so in an HTML comment,
  which JupyterLab does not show, instead of `{.smaller}` on its heading, which
  JupyterLab shows in the heading and in its table of contents:

    ## Sources

    <!-- slide: smaller -->

  On the slides the heading before the comment (same cell) gets `.smaller`; on
  the page nothing changes. Any other <details> is left alone; a
  <details> with one of these two summaries but not closed by </details> in
  the same cell stops the render with an error naming it.
]]

local KINDS = {
  ["Answer"] = function(blocks)
    -- what `::: {.callout-tip .fragment collapse="true" title="Answer"}` parses to
    return quarto.Callout({ type = "tip", title = "Answer", collapse = "true", content = blocks,
      attr = pandoc.Attr("", { "fragment" }) })
  end,
  ["Speaker notes"] = function(blocks)
    return pandoc.Div(blocks, pandoc.Attr("", { "notes" }))
  end,
}

local function html(block)
  return block.t == "RawBlock" and (block.format == "html" or block.format == "html5")
end

-- Pandoc splits `<details><summary>Answer</summary>` into RawBlock <details>,
-- RawBlock <summary>, Plain "Answer", RawBlock </summary>; a summary written on
-- one line may also arrive whole. Returns the summary text and the index of the
-- first block after it, or nil.
local function summary_at(blocks, i)
  local b = blocks[i]
  if not (b and html(b)) then return nil end
  local whole = b.text:match("^%s*<summary>%s*(.-)%s*</summary>%s*$")
  if whole then return whole, i + 1 end
  if not b.text:match("^%s*<summary>%s*$") then return nil end
  local text, close = blocks[i + 1], blocks[i + 2]
  if text and (text.t == "Plain" or text.t == "Para") and close and html(close)
      and close.text:match("^%s*</summary>%s*$") then
    return pandoc.utils.stringify(text), i + 3
  end
  return nil
end

local function convert(blocks)
  local out = pandoc.List()
  local i = 1
  while i <= #blocks do
    local b = blocks[i]
    local converted = false
    if html(b) then
      local rest = b.text:match("^%s*<details>%s*(.*)$")
      local title, body_start
      if rest == "" then
        title, body_start = summary_at(blocks, i + 1)
      elseif rest then
        -- `<details><summary>Answer</summary>` as one raw block
        title = rest:match("^<summary>%s*(.-)%s*</summary>%s*$")
        body_start = i + 1
      end
      if title and KINDS[title] then
        local j = body_start
        while j <= #blocks and not (html(blocks[j]) and blocks[j].text:match("^%s*</details>%s*$")) do
          if html(blocks[j]) and blocks[j].text:match("<details") then
            error("notebook-markup.lua: a <details> inside a \"" .. title .. "\" <details> is not supported")
          end
          j = j + 1
        end
        if j > #blocks then
          error("notebook-markup.lua: <details><summary>" .. title .. "</summary> without its </details> "
            .. "(in " .. (quarto.doc.input_file or "?") .. ")")
        end
        local body = pandoc.List()
        for k = body_start, j - 1 do body:insert(blocks[k]) end
        out:insert((KINDS[title](body)))  -- one value: quarto.Callout returns two
        i = j + 1
        converted = true
      end
    end
    if not converted then
      out:insert(b)
      i = i + 1
    end
  end
  return out
end

local SMALLER = "^%s*<!%-%-%s*slide:%s*smaller%s*%-%->%s*$"

local function smaller(blocks)
  local header
  for i, b in ipairs(blocks) do
    if b.t == "Header" and b.level <= 2 then
      header = i
    elseif html(b) and b.text:match(SMALLER) then
      if not header then
        error("notebook-markup.lua: <!-- slide: smaller --> with no ## heading before it in its cell")
      end
      if quarto.doc.is_format("revealjs") and not blocks[header].classes:includes("smaller") then
        local h = blocks[header]
        h.classes:insert("smaller")
        blocks[header] = h
      end
    end
  end
  return blocks
end

return {
  { Blocks = convert },
  { Blocks = smaller },
}
