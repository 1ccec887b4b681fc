import ParleyCore

/// The create and edit forms of a product, with every error beside its field.
struct ProductFormModel {
    let layout: LayoutModel
    let heading: String
    let action: String
    let isNew: Bool
    let name: String
    let nameError: String?
    let vendorField: ChatSessionIndexModel.Combobox
    let formError: String?

    init(
        layout: LayoutModel, productID: Int64?, name: String, vendorID: Int64?, vendorName: String?,
        errors: [String: String], formError: String? = nil
    ) {
        self.layout = layout
        heading = productID.map { "Edit product #\($0)" } ?? "New product"
        action = productID.map(AdminPath.product) ?? AdminPath.products
        isNew = productID == nil
        self.name = name
        nameError = errors["name"]
        vendorField = .init(
            name: "vendor_id", inputID: "vendor", label: "Vendor", placeholder: "Search vendors",
            lookupURL: AdminPath.userLookup + "?role=vendor", selectedID: vendorID.map(String.init) ?? "",
            selectedLabel: vendorName ?? "", isRequired: true, error: errors["vendor_id"], textName: nil)
        self.formError = formError
    }
}
