/**
 * provlrp/viz: heatmaps, colour maps, figure grids and plots.
 */
export {};
