/**
 * Puppeteer's own configuration (read by the puppeteer package that decktape
 * depends on, at `npm ci` and at run time).
 *
 * skipDownload: never download a browser at install time. `npm ci` must work
 * offline (.ci/run) and behind registries only; decktape is always given a
 * Chromium of the machine instead (`--chrome-path`, see tools/slides_pdf.py).
 */
module.exports = {
  skipDownload: true,
};
