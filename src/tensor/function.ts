// placeholder: filled by the function family (see ARCHITECTURE.md)
export {};
