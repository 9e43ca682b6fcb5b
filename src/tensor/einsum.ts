// placeholder: filled by the einsum family (see ARCHITECTURE.md)
export {};
