import { startPlugin } from './controller';

figma.showUI(__html__, { width: 360, height: 600, themeColors: true, title: 'Reimage' });
startPlugin(figma);
