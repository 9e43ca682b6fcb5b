// placeholder: filled by the indexing family (see ARCHITECTURE.md)
export {};
