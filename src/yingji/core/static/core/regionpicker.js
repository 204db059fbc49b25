/* The region picker (core/regionpicker.py): next to a region text box, one select per
 * level below the caller's region, and suggestions while typing (names, codes, pinyin
 * initials). Whatever is picked is written into the box as the region's name; the
 * server resolves the box, so without this script the form works as a text box.
 * Names reach the page as text only (textContent, option.text). */
(function () {
  "use strict";

  var SEPARATOR = /[\s,，、;；]+/;
  var JOINER = "、";

  function fetchRegions(url, params) {
    var query = Object.keys(params).map(function (k) {
      return encodeURIComponent(k) + "=" + encodeURIComponent(params[k]);
    }).join("&");
    return fetch(url + "?" + query, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (r) { return r.ok ? r.json() : { items: [] }; })
      .then(function (body) { return body.items || []; })
      .catch(function () { return []; });
  }

  function Picker(box) {
    this.box = box;
    this.input = box.querySelector("input");
    this.url = box.getAttribute("data-region-picker");
    this.minLevel = parseInt(box.getAttribute("data-min-level"), 10) || 1;
    this.maxLevel = parseInt(box.getAttribute("data-max-level"), 10) || 6;
    this.multiple = box.hasAttribute("data-multiple");
    this.text = function (name) { return box.getAttribute("data-text-" + name) || ""; };
    this.levels = document.createElement("span");
    this.levels.className = "regionpicker-levels";
    this.levels.setAttribute("role", "group");
    this.levels.setAttribute("aria-label", this.text("levels"));
    box.insertBefore(this.levels, this.input);
    this.results = document.createElement("ul");
    this.results.className = "regionpicker-results";
    this.results.setAttribute("role", "listbox");
    this.results.setAttribute("aria-label", this.text("results"));
    this.results.hidden = true;
    this.results.id = (this.input.id || this.input.name) + "-results";
    box.appendChild(this.results);
    this.input.setAttribute("aria-controls", this.results.id);
    this.input.setAttribute("aria-autocomplete", "list");
    this.input.setAttribute("role", "combobox");
    this.input.setAttribute("aria-expanded", "false");
    this.active = -1;
    this.timer = null;
    this.asked = 0;
    this.bind();
    this.start();
  }

  Picker.prototype.params = function (extra) {
    var p = { min_level: this.minLevel, max_level: this.maxLevel };
    Object.keys(extra).forEach(function (k) { p[k] = extra[k]; });
    return p;
  };

  /* The top: the caller's own region (or, for the whole system, the one province). */
  Picker.prototype.start = function () {
    var self = this;
    fetchRegions(this.url, this.params({})).then(function (top) {
      if (top.length === 1) {
        self.root = top[0];
        self.addLevel(self.root, 0);
      } else if (top.length > 1) {
        self.root = null;
        self.fillLevel(self.newSelect(0), null, top);
      }
    });
  };

  Picker.prototype.newSelect = function (depth) {
    var select = document.createElement("select");
    select.className = "regionpicker-level";
    select.setAttribute("data-depth", String(depth));
    select.setAttribute("aria-label", this.text("levels") + " " + (depth + 1));
    this.levels.appendChild(select);
    var self = this;
    // The box announces the choice (its own change event); the nameless select's
    // change goes no further, so a form filtering on change (htmx) asks once.
    select.addEventListener("change", function (e) { e.stopPropagation(); self.chosen(select); });
    return select;
  };

  /* One more select, listing the regions under `parent`, unless there are none. */
  Picker.prototype.addLevel = function (parent, depth) {
    if (parent.level >= this.maxLevel) { return; }
    var self = this;
    fetchRegions(this.url, this.params({ parent: parent.code })).then(function (children) {
      if (!children.length) { return; }
      self.fillLevel(self.newSelect(depth), parent, children);
    });
  };

  Picker.prototype.fillLevel = function (select, parent, regions) {
    var first = document.createElement("option");
    first.value = "";
    first.text = parent ? parent.name + " " + this.text("whole") : this.text("choose");
    select.appendChild(first);
    select.regions = {};
    select.parentRegion = parent;
    regions.forEach(function (r) {
      var option = document.createElement("option");
      option.value = r.code;
      option.text = r.name;
      select.appendChild(option);
      select.regions[r.code] = r;
    });
  };

  Picker.prototype.chosen = function (select) {
    var depth = parseInt(select.getAttribute("data-depth"), 10);
    Array.prototype.slice.call(this.levels.querySelectorAll("select")).forEach(function (s) {
      if (parseInt(s.getAttribute("data-depth"), 10) > depth) { s.remove(); }
    });
    var region = select.regions[select.value] || select.parentRegion;
    if (!region) { return; }
    if (region.level >= this.minLevel && region.level <= this.maxLevel) {
      this.put(region);
    } else if (!this.multiple) {
      this.input.value = "";  // a city where a township is wanted: nothing chosen yet
    }
    if (select.value) { this.addLevel(region, depth + 1); }
  };

  /* Write the region into the box: replace it, or add it to the list of several. */
  Picker.prototype.put = function (region) {
    if (!this.multiple) {
      this.input.value = region.label;
    } else {
      var parts = this.input.value.split(SEPARATOR).filter(function (p) { return p; });
      if (this.typing) { parts.pop(); }
      if (parts.indexOf(region.label) < 0) { parts.push(region.label); }
      this.input.value = parts.join(JOINER);
    }
    this.typing = false;
    this.input.dispatchEvent(new Event("change", { bubbles: true }));
  };

  Picker.prototype.bind = function () {
    var self = this;
    this.input.addEventListener("input", function () {
      self.typing = true;
      window.clearTimeout(self.timer);
      self.timer = window.setTimeout(function () { self.search(); }, 250);
    });
    this.input.addEventListener("keydown", function (e) { self.key(e); });
    this.input.addEventListener("blur", function () {
      window.setTimeout(function () { self.close(); }, 200);
    });
    this.results.addEventListener("mousedown", function (e) { e.preventDefault(); });
    this.results.addEventListener("click", function (e) {
      var item = e.target.closest("li");
      if (item && item.region) { self.put(item.region); self.close(); }
    });
  };

  Picker.prototype.term = function () {
    var value = this.input.value;
    if (!this.multiple) { return value.trim(); }
    var parts = value.split(SEPARATOR);
    return (parts[parts.length - 1] || "").trim();
  };

  Picker.prototype.search = function () {
    var q = this.term();
    if (!q) { this.close(); return; }
    var self = this, asked = ++this.asked;
    fetchRegions(this.url, this.params({ q: q })).then(function (found) {
      if (asked === self.asked) { self.show(found); }
    });
  };

  Picker.prototype.show = function (found) {
    var list = this.results;
    while (list.firstChild) { list.removeChild(list.firstChild); }
    this.active = -1;
    if (!found.length) {
      var none = document.createElement("li");
      none.className = "regionpicker-none";
      none.textContent = this.text("none");
      list.appendChild(none);
    }
    found.forEach(function (r, i) {
      var item = document.createElement("li");
      item.setAttribute("role", "option");
      item.id = list.id + "-" + i;
      item.region = r;
      item.appendChild(document.createTextNode(r.label + " "));
      var code = document.createElement("small");
      code.textContent = r.code;
      item.appendChild(code);
      list.appendChild(item);
    });
    list.hidden = false;
    this.input.setAttribute("aria-expanded", "true");
  };

  Picker.prototype.close = function () {
    this.results.hidden = true;
    this.active = -1;
    this.input.setAttribute("aria-expanded", "false");
    this.input.removeAttribute("aria-activedescendant");
  };

  Picker.prototype.key = function (e) {
    var items = this.results.hidden ? [] : this.results.querySelectorAll("li[role=option]");
    if (e.key === "Escape") { this.close(); return; }
    if (!items.length) { return; }
    if (e.key === "ArrowDown" || e.key === "ArrowUp") {
      e.preventDefault();
      var step = e.key === "ArrowDown" ? 1 : -1;
      this.active = (this.active + step + items.length) % items.length;
      Array.prototype.forEach.call(items, function (li, i) {
        li.setAttribute("aria-selected", i === this.active ? "true" : "false");
      }, this);
      this.input.setAttribute("aria-activedescendant", items[this.active].id);
    } else if (e.key === "Enter" && this.active >= 0) {
      e.preventDefault();
      this.put(items[this.active].region);
      this.close();
    }
  };

  function start() {
    Array.prototype.forEach.call(document.querySelectorAll("[data-region-picker]"), function (box) {
      if (!box.picker) { box.picker = new Picker(box); }
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
}());
