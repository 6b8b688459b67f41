"""Deliberately wrong uses of the generated models: each marked line must be a type error.

`tests/codegen/test_typecheck.py` runs mypy (and pyright) on this file and checks that every
line ending in `# error: <words>` is reported, with those words in mypy's message.
"""

from __future__ import annotations

import datetime

from generated import Account, Contact, Invoice, Lead, LineItem

Contact.objects.filter(lastnme="Smith")  # error: Unexpected keyword argument "lastnme"
Contact.objects.filter(birthday__gt="yesterday")  # error: incompatible type "str"; expected "date"
Contact.objects.exclude(lastname__startwith="S")  # error: Unexpected keyword argument
Contact.objects.filter(customer_tier="Diamond")  # error: incompatible type
Contact.objects.filter(leadsource__iexact="Cold Cal")  # error: incompatible type
Contact.objects.filter(email__isnull=True)  # error: incompatible type
Contact.objects.filter(loyalty_points__contains="1")  # error: Unexpected keyword argument
Invoice.objects.get(hdnGrandTotal="100")  # error: incompatible type "str"

contact = Contact(firstname="Ann")  # error: Missing named argument "lastname"
contact.contact_no = "CON1"  # error: Property "contact_no" defined in "Contact" is read-only
contact.birthday = datetime.datetime(2020, 1, 1).isoformat()  # error: Incompatible types
Contact(lastname="Smith", createdtime=datetime.datetime(2020, 1, 1))  # error: Unexpected keyword
contact.account = None  # error: Property "account" defined in "Contact" is read-only
Account(accountname="A").related_contact()  # error: has no attribute "related_contact"
orgs: list[Account] = list(Account(accountname="A").related_contacts())  # error: incompatible type
Account(accountname="A").related_contacts().filter(lastnme="S")  # error: Unexpected keyword

# issue 15: create, field names, numbers, conversion
Contact.objects.create(lastnme="Smith")  # error: Unexpected keyword argument "lastnme"
Contact.objects.create(firstname="Ann")  # error: Missing named argument "lastname"
Contact.objects.create(lastname="S", loyalty_points="5")  # error: incompatible type "str"
Contact(lastname="S", annual_spend="12.5")  # error: incompatible type "str"
LineItem(productid="14x1", quantity="2")  # error: incompatible type "str"
Contact.objects.order_by("-lastnme")  # error: incompatible type
Contact.objects.order_by("lastname", "--email")  # error: incompatible type
Contact.objects.only("emial")  # error: incompatible type
Contact.objects.select_related("lastname")  # error: incompatible type
Contact.objects.values("lastnme")  # error: No overload variant
Contact.objects.values_list("lastnme", flat=True)  # error: incompatible type
print(Contact.objects.values()[0]["lastnme"])  # error: has no key "lastnme"
Contact.objects.filter(mailingcity__iexact=3)  # error: incompatible type "int"
Lead(lastname="L").convert(account={"accountnme": "A"})  # error: incompatible type
print(Lead(lastname="L").convert(contact=True).contact.lastname)  # error: Item "None"
contact.annual_spend = "12"  # error: Incompatible types in assignment
