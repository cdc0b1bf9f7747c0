// decktape (npm, package.json), made to wait until a slide is finished before printing it.
//
//     node tools/decktape.mjs [decktape's own arguments]      # tools/slides_pdf.py calls it
//
// decktape prints each slide after a fixed pause (--pause). On these decks that is
// not enough to be sure: MathJax 2 typesets the whole deck after the page has
// loaded, typesets each slide again when reveal.js shows it, and reveal.js loads a
// figure only when its slide comes near (data-src). So before decktape prints a
// page, this wrapper waits until MathJax's queue is empty, the fonts are loaded
// and every image of the current slide is loaded and decoded; only then does the
// page go to print. decktape has no hook for this, so the wrapper patches
// puppeteer's Page.pdf (the one call decktape makes per slide) and then runs
// decktape's own command line unchanged. It fails, instead of printing without
// waiting, if that method is not where this version of puppeteer keeps it.

import { CdpPage } from 'puppeteer-core/internal/cdp/Page.js';

const WAIT_FOR_SLIDE = async () => {
  const deadline = Date.now() + 30000;
  const sleep = ms => new Promise(r => setTimeout(r, ms));
  const frame = () => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)));
  const hasMath = window.Reveal && Reveal.getConfig && Reveal.getConfig().math;
  if (hasMath) {
    while (!(window.MathJax && MathJax.Hub && MathJax.Hub.Queue)) {
      if (Date.now() > deadline) throw new Error('the deck has math but MathJax never loaded');
      await sleep(50);
    }
    // Twice: a typeset queued while the first one runs (the slide menu, the slide
    // just shown) is waited for as well.
    await new Promise(r => MathJax.Hub.Queue(r));
    await frame();
    await new Promise(r => MathJax.Hub.Queue(r));
  }
  await document.fonts.ready;
  const slide = window.Reveal && Reveal.getCurrentSlide();
  const images = slide ? [...slide.querySelectorAll('img')] : [];
  for (const img of images) {
    // reveal.js copies data-src to src when the slide comes near: wait for that too.
    while (!(img.getAttribute('src') && img.complete)) {
      if (Date.now() > deadline) throw new Error(`image never loaded: ${img.getAttribute('data-src') || img.src}`);
      await sleep(20);
    }
    if (img.naturalWidth === 0) throw new Error(`image failed to load: ${img.src}`);
    await img.decode().catch(() => {});
  }
  if (window.Reveal) Reveal.layout();
  await frame();
};

const print = CdpPage?.prototype?.pdf;
if (typeof print !== 'function') {
  console.error('tools/decktape.mjs: puppeteer-core has no CdpPage.prototype.pdf to wrap (puppeteer upgraded?)');
  process.exit(2);
}
CdpPage.prototype.pdf = async function (options) {
  await this.evaluate(WAIT_FOR_SLIDE);
  return print.call(this, options);
};

await import('decktape/decktape.js');
