// placeholder: filled by the activations family (see ARCHITECTURE.md)
export {};
