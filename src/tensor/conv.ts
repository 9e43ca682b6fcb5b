// placeholder: filled by the conv family (see ARCHITECTURE.md)
export {};
