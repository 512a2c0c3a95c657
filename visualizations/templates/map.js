/* The region map's own script: the metric switch, hover boxes, drilling down and back. */
(function () {
  "use strict";
  var metric = "coverage";
  var tip = document.getElementById("tip");
  var title = document.getElementById("title");
  var back = document.getElementById("back");
  var sections = Array.prototype.slice.call(document.querySelectorAll("section.level"));
  var root = sections.length ? sections[0].getAttribute("data-level") : "";

  function paint() {
    document.querySelectorAll(".unit").forEach(function (unit) {
      unit.querySelector(".area").setAttribute("fill", unit.getAttribute("data-" + metric));
      unit.querySelectorAll("text").forEach(function (text) {
        text.setAttribute("fill", text.getAttribute("data-ink-" + metric));
      });
      var figure = unit.querySelector(".figure");
      if (figure) {
        figure.textContent = figure.getAttribute("data-" + metric);
      }
    });
    document.querySelectorAll("ul.legend").forEach(function (list) {
      list.hidden = list.getAttribute("data-metric") !== metric;
    });
    document.body.setAttribute("data-metric", metric);
  }

  function hideTip() {
    tip.hidden = true;
  }

  function showTip(unit, x, y) {
    tip.querySelector("strong").textContent = unit.getAttribute("data-name");
    tip.querySelector("span").textContent = unit.getAttribute("data-details");
    tip.hidden = false;
    var width = tip.offsetWidth;
    var height = tip.offsetHeight;
    var left = Math.min(x + 14, window.innerWidth - width - 8);
    var top = Math.min(y + 14, window.innerHeight - height - 8);
    tip.style.left = Math.max(4, left) + "px";
    tip.style.top = Math.max(4, top) + "px";
  }

  function show(code) {
    sections.forEach(function (section) {
      var shown = section.getAttribute("data-level") === code;
      section.hidden = !shown;
      if (shown) {
        title.textContent = section.getAttribute("data-title");
        document.title = section.getAttribute("data-title");
      }
    });
    back.hidden = code === root;
    hideTip();
  }

  function drill(unit) {
    var code = unit.getAttribute("data-drill");
    if (code) {
      show(code);
    }
  }

  document.querySelectorAll(".unit").forEach(function (unit) {
    unit.addEventListener("mousemove", function (event) {
      showTip(unit, event.clientX, event.clientY);
    });
    unit.addEventListener("mouseleave", hideTip);
    unit.addEventListener("focus", function () {
      var box = unit.getBoundingClientRect();
      showTip(unit, box.left + box.width / 2, box.top + box.height / 2);
    });
    unit.addEventListener("blur", hideTip);
    unit.addEventListener("click", function () {
      drill(unit);
    });
    unit.addEventListener("keydown", function (event) {
      if (event.key === "Enter" || event.key === " ") {
        event.preventDefault();
        drill(unit);
      }
    });
  });
  back.addEventListener("click", function () {
    show(root);
  });
  document.querySelectorAll('input[name="metric"]').forEach(function (input) {
    input.addEventListener("change", function () {
      if (input.checked) {
        metric = input.value;
        paint();
      }
    });
  });
  paint();
})();
document.body.dataset.ready = "1";
