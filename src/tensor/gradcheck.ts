// placeholder: filled by the gradcheck family (see ARCHITECTURE.md)
export {};
