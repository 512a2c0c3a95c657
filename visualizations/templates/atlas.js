// The atlas page: reads its data from the inert JSON blocks, draws it with vis-network (positions
// given, physics off), and shows what is pointed at in the side panel. Text from the data is only
// ever set with textContent or drawn on the canvas, never parsed as HTML.
//
// Large atlases come with `page.lines` instead of vis-network edges: the links are stroked here,
// under the nodes, a few paths in all, and names are written on the canvas once the view is
// zoomed in far enough to read them (vis-network would build an object per link and measure
// every label first, which takes seconds at 20,000 firms).
(function () {
  "use strict";

  function read(id) {
    return JSON.parse(document.getElementById(id).textContent);
  }

  var page = read("atlas-page");
  var nodeList = read("atlas-nodes");
  var edgeList = read("atlas-edges");
  var nodeIndex = new Map();
  nodeList.forEach(function (node, i) { nodeIndex.set(node.id, i); });
  var labels = page.labels || nodeList.map(function (node) { return node.label; });
  // a label may be a shortened name: the full one is shown on hover and found by the search
  function fullName(i) {
    return nodeList[i].full || labels[i];
  }
  var nodes = new vis.DataSet(nodeList);
  var edges = new vis.DataSet(edgeList);
  var container = document.getElementById("atlas-network");
  var network = new vis.Network(container, { nodes: nodes, edges: edges }, page.options);
  var detail = document.getElementById("atlas-detail");
  var found = document.getElementById("atlas-found");

  function element(tag, text) {
    var el = document.createElement(tag);
    if (text !== undefined) {
      el.textContent = text;
    }
    return el;
  }

  var tip = document.getElementById("atlas-tip");

  // details: [kind, values] per node / edge, in the order of the lists, or null. They go to the
  // side panel, and to the tooltip beside the pointer when `pointer` is given.
  function show(details, heading, pointer) {
    var fields = details ? page.fields[details[0]] : null;
    if (!fields) {
      return false;
    }
    var card = document.createDocumentFragment();
    card.appendChild(element("h2", heading));
    var list = element("dl");
    for (var i = 0; i < fields.length; i += 1) {
      list.appendChild(element("dt", fields[i]));
      list.appendChild(element("dd", String(details[1][i])));
    }
    card.appendChild(list);
    if (pointer) {
      tip.replaceChildren(card.cloneNode(true));
      tip.hidden = false;
      var left = Math.min(pointer.x + 16, container.clientWidth - tip.offsetWidth - 4);
      var top = Math.min(pointer.y + 16, container.clientHeight - tip.offsetHeight - 4);
      tip.style.left = Math.max(0, left) + "px";
      tip.style.top = Math.max(0, top) + "px";
    }
    detail.replaceChildren(card);
    return true;
  }

  function hideTip() {
    tip.hidden = true;
  }

  function showNode(id, pointer) {
    var i = nodeIndex.get(id);
    return i === undefined ? false : show(page.nodes[i], fullName(i), pointer);
  }

  function showEdge(id, pointer) {
    var edge = edges.get(id);
    if (!edge) {
      return false;
    }
    var heading = fullName(nodeIndex.get(edge.from)) + " → " + fullName(nodeIndex.get(edge.to));
    return show(page.edges[id], heading, pointer);
  }

  var drawnNames = [];  // names written by this page on a large atlas, as labelBoxes gives them
  if (page.lines) {
    var lines = page.lines;
    var styles = [
      { width: 0.6, dash: [] }, { width: 1.5, dash: [] }, { width: 3, dash: [] },
      { width: 5, dash: [] }, { width: 0.6, dash: [6, 4] }
    ];
    var chosen = null;  // index of the selected firm: its links are drawn dark, on top
    // the end points of each style's links, laid out once: a frame only walks these arrays
    var paths = styles.map(function () { return []; });
    for (var k = 0; k < lines.length; k += 3) {
      var a = nodeList[lines[k]];
      var b = nodeList[lines[k + 1]];
      paths[lines[k + 2]].push(a.x, a.y, b.x, b.y);
    }
    paths = paths.map(function (points) { return Float64Array.from(points); });
    var stroke = function (ctx) {
      for (var s = 0; s < styles.length; s += 1) {
        var points = paths[s];
        ctx.beginPath();
        for (var p = 0; p < points.length; p += 4) {
          ctx.moveTo(points[p], points[p + 1]);
          ctx.lineTo(points[p + 2], points[p + 3]);
        }
        ctx.lineWidth = styles[s].width;
        ctx.setLineDash(styles[s].dash);
        ctx.stroke();
      }
      ctx.setLineDash([]);
    };
    var strokeChosen = function (ctx) {
      ctx.beginPath();
      for (var k = 0; k < lines.length; k += 3) {
        if (lines[k] === chosen || lines[k + 1] === chosen) {
          var a = nodeList[lines[k]];
          var b = nodeList[lines[k + 1]];
          ctx.moveTo(a.x, a.y);
          ctx.lineTo(b.x, b.y);
        }
      }
      ctx.lineWidth = 1.5;
      ctx.stroke();
    };
    // while the view moves, links are left out (as vis-network's hideEdgesOnDrag/OnZoom do):
    // tens of thousands of strokes per frame would make panning stutter
    var moving = false;
    var settle = null;
    var still = function () {
      moving = false;
      network.redraw();
    };
    network.on("dragStart", function () { moving = true; });
    network.on("dragEnd", still);
    network.on("zoom", function () {
      moving = true;
      clearTimeout(settle);
      settle = setTimeout(still, 200);
    });
    network.on("beforeDrawing", function (ctx) {
      if (moving) {
        return;
      }
      ctx.save();
      ctx.strokeStyle = "rgba(144, 164, 174, 0.55)";
      stroke(ctx);
      if (chosen !== null) {
        ctx.strokeStyle = "#263238";
        strokeChosen(ctx);
      }
      ctx.restore();
    });
    network.on("afterDrawing", function (ctx) {
      var scale = network.getScale();
      if (13 * scale < page.minLabel) {  // names only once they are readable
        return;
      }
      var corner = network.DOMtoCanvas({ x: 0, y: 0 });
      var far = network.DOMtoCanvas({ x: container.clientWidth, y: container.clientHeight });
      ctx.save();
      ctx.fillStyle = "#263238";
      ctx.textAlign = "center";
      ctx.font = "13px sans-serif";
      var rect = container.getBoundingClientRect();
      drawnNames = [];
      for (var i = 0; i < nodeList.length; i += 1) {
        var node = nodeList[i];
        if (labels[i] && node.x >= corner.x && node.x <= far.x && node.y >= corner.y && node.y <= far.y) {
          var base = node.y + (node.size || 10) + 14;
          var half = ctx.measureText(labels[i]).width / 2;
          var a = network.canvasToDOM({ x: node.x - half, y: base - 11 });
          var b = network.canvasToDOM({ x: node.x + half, y: base + 3 });
          if (a.x < 0 || b.x > container.clientWidth || b.y > container.clientHeight) {
            continue;  // a name cut at the edge is left out: it shows when the view moves on
          }
          ctx.fillText(labels[i], node.x, base);
          drawnNames.push({
            id: node.id, text: labels[i], px: 13 * scale,
            left: rect.left + a.x, top: rect.top + a.y, right: rect.left + b.x, bottom: rect.top + b.y
          });
        }
      }
      ctx.restore();
    });
    network.on("selectNode", function (event) {
      chosen = nodeIndex.get(event.nodes[0]);
      network.redraw();
    });
    network.on("deselectNode", function () {
      chosen = null;
      network.redraw();
    });
  }

  // Weak links wear a red ring outside the node, as wide as their score is high: the node's own
  // fill and border keep the certification state's colours.
  var ringIds = [];
  nodeList.forEach(function (node) {
    if (node.ring) {
      ringIds.push(node.id);
    }
  });
  var WEAK = "#d50000";
  function drawRings(ctx) {
    if (!ringIds.length) {
      return;
    }
    var at = network.getPositions(ringIds);
    ctx.save();
    ctx.strokeStyle = WEAK;
    for (var r = 0; r < ringIds.length; r += 1) {
      var node = nodeList[nodeIndex.get(ringIds[r])];
      var spot = at[ringIds[r]];
      var width = node.ring;
      var radius = (node.size || 10) + 1.5 + width / 2;
      ctx.lineWidth = width;
      ctx.beginPath();
      if (node.shape === "box") {  // a segment of the chain as a whole: a frame around it
        var box = network.getBoundingBox(ringIds[r]);
        var pad = 2 + width / 2;
        ctx.rect(box.left - pad, box.top - pad, box.right - box.left + 2 * pad,
          box.bottom - box.top + 2 * pad);
      } else if (node.shape === "square") {
        ctx.rect(spot.x - radius, spot.y - radius, 2 * radius, 2 * radius);
      } else {
        ctx.arc(spot.x, spot.y, node.shape === "star" ? radius * 1.15 : radius, 0, 2 * Math.PI);
      }
      ctx.stroke();
    }
    ctx.restore();
  }
  network.on("afterDrawing", drawRings);

  network.on("hoverNode", function (event) { showNode(event.node, event.pointer.DOM); });
  network.on("hoverEdge", function (event) { showEdge(event.edge, event.pointer.DOM); });
  ["blurNode", "blurEdge", "dragStart", "zoom"].forEach(function (name) {
    network.on(name, hideTip);
  });
  // A clicked node with a list (a segment of the chain as a whole): its firms below its details.
  function showList(id) {
    var list = page.lists && page.lists[id];
    if (!list) {
      return false;
    }
    var section = element("section");
    section.className = "firm-list";
    section.appendChild(element("h3", list[0]));
    var table = element("table");
    var body = element("tbody");
    list[1].forEach(function (row) {
      var tr = element("tr");
      row.forEach(function (cell) { tr.appendChild(element("td", cell)); });
      body.appendChild(tr);
    });
    table.appendChild(body);
    section.appendChild(table);
    detail.appendChild(section);
    return true;
  }

  network.on("click", function (event) {
    if (event.nodes.length) {
      showNode(event.nodes[0]);
      showList(event.nodes[0]);
    } else if (event.edges.length) {
      showEdge(event.edges[0]);
    }
  });

  // Find a firm by name or USCC (the first match in drawing order), select it and zoom to it.
  document.getElementById("atlas-find").addEventListener("submit", function (event) {
    event.preventDefault();
    var query = document.getElementById("atlas-query").value.trim().toLowerCase();
    if (!query) {
      return;
    }
    var hits = [];
    nodeList.forEach(function (node, i) {
      if (page.nodes[i] !== null && (
        String(node.id).toLowerCase().indexOf(query) >= 0 ||
        String(fullName(i)).toLowerCase().indexOf(query) >= 0)) {
        hits.push(node.id);
      }
    });
    found.textContent = page.words.found.replace("{n}", String(hits.length));
    if (hits.length) {
      network.selectNodes([hits[0]]);
      if (page.lines) {
        chosen = nodeIndex.get(hits[0]);
      }
      network.focus(hits[0], { scale: 1.2, animation: false });
      showNode(hits[0]);
    }
  });

  // vis-network fits the view to the nodes before it has measured their labels, so names and
  // headers at the edges would be cut: once drawn (labels measured), fit again, and again if
  // that showed labels it had not measured yet, until the view stays put.
  var fits = 0;
  var ready = false;
  network.on("afterDrawing", function () {
    if (ready) {
      return;
    }
    // out of the drawing, then fit: vis-network's events may not be changed while it emits one
    setTimeout(function () {
      if (ready) {
        return;
      }
      var before = network.getScale();
      network.fit({ animation: false });
      fits += 1;
      if (fits < 4 && Math.abs(network.getScale() - before) > 1e-3) {
        network.redraw();
        return;
      }
      if (!ready) {
        ready = true;
        // milliseconds from navigation to the settled view: the page answers input from here on
        document.body.dataset.readyAt = String(Math.round(performance.now()));
        document.body.dataset.ready = "1";
      }
    }, 0);
  });

  // The labels drawn at rest, in page pixels: text, font size and box (vis-network's labels,
  // or the names this page writes on a large atlas). For tests and for checking a layout.
  function labelBoxes() {
    var boxes = [];
    var scale = network.getScale();
    var rect = container.getBoundingClientRect();
    if (page.lines) {
      return drawnNames.slice();
    }
    network.body.nodeIndices.forEach(function (id) {
      var node = network.body.nodes[id];
      var label = node.labelModule;
      if (!node.options.label || !label.visible()) {
        return;
      }
      var size = label.size;
      var a = network.canvasToDOM({ x: size.left, y: size.top });
      var b = network.canvasToDOM({ x: size.left + size.width, y: size.top + size.height });
      boxes.push({
        id: id, text: node.options.label, px: label.fontOptions.size * scale,
        left: rect.left + a.x, top: rect.top + a.y, right: rect.left + b.x, bottom: rect.top + b.y
      });
    });
    return boxes;
  }

  // for tests and for people driving the page from the console
  window.chainmapAtlas = {
    network: network, nodes: nodes, edges: edges, showNode: showNode, showList: showList,
    hideTip: hideTip,
    labels: labelBoxes
  };
}());
