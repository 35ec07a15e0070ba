export const BUILT_IN_PRESETS: readonly { label: string; prompt: string }[] = [
  { label: 'Watercolor', prompt: 'Turn this into a soft watercolor illustration; keep the composition and the text.' },
  { label: 'Studio product shot', prompt: 'Make it a clean studio product photo on a seamless light background with soft shadows.' },
  { label: 'Dark mode', prompt: 'Redesign this screen in dark mode; keep the layout, spacing and hierarchy.' },
  { label: 'Hand-drawn sketch', prompt: 'Redraw this as a loose hand-drawn marker sketch on white paper.' },
  { label: 'Remove background', prompt: 'Remove the background and keep only the main subject on transparent white.' },
  { label: 'Combine references', prompt: 'Combine the references into one coherent image in the style of the first one.' },
];
