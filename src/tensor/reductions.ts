// placeholder: filled by the reductions family (see ARCHITECTURE.md)
export {};
