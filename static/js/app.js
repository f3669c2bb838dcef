// Progressive enhancement shared by every page (the pages work without it).
document.addEventListener("htmx:configRequest", function (event) {
  // Keep shared list URLs short: leave out the filters left empty.
  var params = event.detail.parameters;
  Object.keys(params).forEach(function (name) {
    if (params[name] === "" || (Array.isArray(params[name]) && params[name].length === 0)) { delete params[name]; }
  });
});
