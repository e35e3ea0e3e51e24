/**
 * provlrp/viz: heatmaps, colour maps, figure grids and PNG output.
 *
 * A relevance tensor becomes an image in three steps (channels aggregated, values normalised,
 * positions coloured); `figureGrid` lays several such maps out beside the input images, with
 * titles, row labels and colour bars, as SVG, and `figureGridPng` renders that SVG with the
 * fonts provlrp ships.
 */
export * from './color-bar.js';
export * from './color-map.js';
export * from './color-maps.js';
export * from './display.js';
export * from './figure-grid.js';
export * from './figure-layout.js';
export * from './heatmap.js';
export * from './image.js';
export * from './input-image.js';
export * from './layered-graph.js';
export * from './line-chart.js';
export * from './normalize.js';
export * from './plot.js';
export * from './png.js';
export * from './relevance-plane.js';
export * from './render.js';
export * from './styles.js';
export * from './svg.js';
