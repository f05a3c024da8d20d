"""Installed-base error codes (the API returns them as "code")."""


class InstalledBaseErrorCode:
    VERSION_CONFLICT = "version_conflict"  # someone else saved the record meanwhile
    DUPLICATE_SERIAL = "duplicate_serial"  # A2: a serial number identifies one unit
    WARRANTY_DATE_REQUIRED = "warranty_date_required"  # A3: production or acceptance date needed
    UNIT_NOT_OF_CUSTOMER = "unit_not_of_customer"  # A4: a contract covers its customer's units only
    EQUIPMENT_ON_LOAN = "equipment_on_loan"  # A6: lent out and not back yet
    LOAN_RETURNED = "loan_already_returned"  # A6: the loan was closed before
    IMPORT_INVALID = "import_invalid"  # some rows of an Excel import are wrong; nothing imported
