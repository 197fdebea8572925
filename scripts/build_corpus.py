"""Regenerate the two binary illustrative documents in this folder from the text kept below.

Run from anywhere: `python scripts/build_corpus.py`. Output is deterministic (fixed PDF
metadata via reportlab's invariant mode, fixed timestamps inside the .docx zip), so a rebuild
with unchanged text leaves git clean.

The text is written by the ShareCheck project. It is an ILLUSTRATIVE EXAMPLE of the shape and
language of UK public-sector information sharing documents, not a copy of any real agreement.

Source mini-format (one block per line, blank lines ignored):
    "# 4 Principles of sharing"   top-level heading
    "## 5.2 Where the adult ..."  second-level heading (DOCX only)
    "4.1 Signatories will ..."    numbered clause paragraph (PDF) / plain paragraph (DOCX)
    "(a) Purpose: ..."            lettered sub-item of the clause above
    "- hoarding, ..."             bullet item
    anything else                 plain paragraph
"""

from __future__ import annotations

import io
import re
import zipfile
from datetime import datetime
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent.parent / "corpus"
PDF_PATH = HERE / "humber-information-sharing-charter.pdf"
DOCX_PATH = HERE / "safe-and-well-referral-isa.docx"

ILLUSTRATIVE = "ILLUSTRATIVE EXAMPLE written for ShareCheck; not a real agreement."
# Fixed timestamp for every member of the .docx zip, so rebuilds are byte-identical.
ZIP_TIMESTAMP = (2025, 10, 1, 0, 0, 0)

# --------------------------------------------------------------------------------------------
# Humber Information Sharing Charter (Illustrative)
# --------------------------------------------------------------------------------------------

CHARTER_TITLE = "Humber Information Sharing Charter (Illustrative)"
CHARTER_HEADER = "Humber Information Sharing Charter \u2014 ILLUSTRATIVE EXAMPLE"
CHARTER_VERSION_LINE = (
    "Version 3.0 (illustrative)  |  Effective 1 April 2024  |  Review due 1 April 2027"
)
CHARTER_FRONT_PAGES = 2  # cover (i) and contents (ii); the body is numbered from 1

CHARTER_COVER = [
    (
        "A framework for sharing personal information safely and lawfully between public, "
        "voluntary and health organisations across Hull, the East Riding of Yorkshire, North "
        "Lincolnshire and North East Lincolnshire"
    ),
    "Version 3.0  |  Effective 1 April 2024  |  Review due 1 April 2027",
    "Owner: Humber Information Governance Group (illustrative)",
]

CHARTER_COVER_NOTICE = (
    ILLUSTRATIVE
    + " This document was written to test and demonstrate the ShareCheck assistant. "
    "Its wording, signatories and arrangements are invented. It must not be relied on in place of "
    "the real Humber Information Sharing Charter, any signed information sharing agreement, or "
    "advice from your Data Protection Officer."
)

CHARTER_BODY = """
# 1 Introduction
1.1 This Charter sets out the shared commitments of the organisations listed in Appendix 1 (the signatories) when they share personal information with one another to deliver public services across the Humber area.
1.2 Sharing the right information with the right people at the right time is essential to protecting people from harm, preventing crime and disorder, and delivering services that fit together around the person. A failure to share can cause as much harm as an unlawful disclosure.
1.3 The Charter is a framework. It does not by itself authorise any particular disclosure. Regular or large-scale sharing between signatories must be documented in an information sharing agreement (ISA) that follows the principles in this Charter.
1.4 The Charter supports, and does not replace, the UK General Data Protection Regulation (UK GDPR), the Data Protection Act 2018 (DPA 2018), the Human Rights Act 1998, the common law duty of confidentiality and any statutory power or duty that applies to a signatory.
# 2 Scope
2.1 This Charter applies to the sharing of personal data and special category data between signatories, whether the sharing is routine under an ISA or a one-off response to a particular situation.
2.2 It applies to all employees, volunteers, contractors and agency workers who handle personal information on behalf of a signatory, including operational crews, call handlers and support staff.
2.3 The Charter does not cover:
(a) anonymised or aggregated statistics from which no individual can be identified;
(b) disclosures ordered by a court, which each signatory handles under its own legal procedures;
(c) requests made under the Freedom of Information Act 2000 or the Environmental Information Regulations 2004, which are answered under those regimes.
# 3 Definitions
3.1 "Personal data" means any information relating to an identified or identifiable living individual, as defined in Article 4(1) UK GDPR.
3.2 "Special category data" means personal data revealing racial or ethnic origin, political opinions, religious or philosophical beliefs or trade union membership, genetic or biometric data, data concerning health, or data concerning a person's sex life or sexual orientation (Article 9 UK GDPR). Criminal offence data is subject to separate safeguards under Article 10 UK GDPR and section 10 DPA 2018.
3.3 "Information sharing agreement" (ISA) means a written agreement between two or more signatories that records the purpose, legal basis, content, method and safeguards for a specific sharing arrangement.
3.4 "Data Protection Officer" (DPO) means the officer appointed by each signatory under Article 37 UK GDPR to advise on and monitor compliance with data protection law.
3.5 "Designated lead" means the named officer in each signatory who is responsible for the operation of this Charter within that organisation, normally the Senior Information Risk Owner (SIRO) or a person nominated by them.
3.6 "Adult at risk" means an adult who has needs for care and support, is experiencing or is at risk of abuse or neglect, and as a result of those needs is unable to protect themselves, as described in section 42 of the Care Act 2014.
# 4 Principles of sharing
4.1 Signatories will share personal information only where it is lawful, necessary and proportionate to do so, and will apply the following principles to every decision:
(a) Purpose: the reason for sharing must be clear and specific, and must be recorded;
(b) Necessity: the purpose could not reasonably be achieved without sharing identifiable information;
(c) Minimum necessary: only the information needed for the purpose is shared, and no more;
(d) Accuracy: information shared must be accurate and up to date, and fact must be distinguished from opinion;
(e) Timeliness: information must be shared in time for it to be useful, particularly where someone is at risk;
(f) Security: information must be transferred and stored securely in line with section 9;
(g) Transparency: individuals should be told how their information may be shared, unless telling them would increase the risk of harm or defeat the purpose.
4.2 The Caldicott Principles apply to any sharing of health and social care information between signatories, including the principle that the duty to share information for individual care is as important as the duty to protect confidentiality.
4.3 Data protection law is not a barrier to sharing information where the law permits it. Staff must not use data protection as a reason for withholding information that is needed to protect a person from harm.
4.4 Where a member of staff is unsure whether to share, they must seek advice from their line manager, safeguarding lead or DPO. Uncertainty must not delay action where a person is at immediate risk.
# 5 Legal basis for sharing
5.1 Before sharing personal data each signatory must identify a lawful basis under Article 6 UK GDPR. For most sharing between public bodies this will be Article 6(1)(e): processing necessary for the performance of a task carried out in the public interest or in the exercise of official authority vested in the controller.
5.2 Other Article 6 bases may apply in particular cases, including:
(a) Article 6(1)(c), where sharing is necessary to comply with a legal obligation;
(b) Article 6(1)(d), where sharing is necessary to protect the vital interests of the individual or another person, normally where life is at risk;
(c) Article 6(1)(a), consent, which should be relied on only where the individual has a genuine choice and can withdraw without detriment.
5.3 Where special category data is shared, a condition under Article 9(2) UK GDPR must also be met. The conditions most commonly relied on by signatories are:
(a) Article 9(2)(g), substantial public interest, together with a condition in Schedule 1 Part 2 DPA 2018, in particular paragraph 18 (safeguarding of children and of individuals at risk);
(b) Article 9(2)(h), where sharing is necessary for the provision of health or social care or treatment;
(c) Article 9(2)(c), vital interests, where the individual is physically or legally incapable of giving consent.
5.4 Statutory gateways that may permit or require sharing between signatories include:
(a) section 115 of the Crime and Disorder Act 1998, which allows disclosure to relevant authorities, including fire and rescue authorities, police and local authorities, where necessary for the purposes of that Act;
(b) sections 42 and 45 of the Care Act 2014, covering safeguarding enquiries and requests for information from a Safeguarding Adults Board;
(c) section 11 of the Children Act 2004 and section 47 of the Children Act 1989, covering the safeguarding and welfare of children;
(d) section 6 of the Fire and Rescue Services Act 2004, covering the promotion of fire safety.
5.5 A statutory gateway removes a legal barrier to sharing; it does not remove the need to comply with data protection law. Every ISA must record both the gateway relied on and the UK GDPR basis.
5.6 Where information is held under a duty of confidence, the common law duty of confidentiality must also be satisfied, either by the individual's consent, by an overriding public interest, or by a legal requirement to disclose.
# 6 Conditions of use
6.1 A signatory receiving information under this Charter becomes a controller of that information and is responsible for handling it in accordance with data protection law.
6.2 Information must be shared with the named roles or teams who need it to carry out their duties, and must not be circulated more widely within the receiving organisation.
6.3 Information received under this Charter must be used only for the purpose for which it was shared. It must not be used for any other purpose unless:
(a) the organisation that provided it has agreed in writing;
(b) the further use is required by law; or
(c) the further use is necessary to prevent serious harm to any person and there is no time to seek agreement, in which case the providing organisation must be told as soon as practicable.
6.4 Information must not be passed to a third party without the agreement of the organisation that provided it, except as described in clause 6.3(b) or (c).
6.5 Where a receiving organisation finds that information it has received is inaccurate, it must tell the providing organisation promptly so that both sets of records can be corrected.
6.6 Each signatory is responsible for answering subject access requests for the information it holds. A request must be answered without undue delay and within one month of receipt, extendable by up to two further months for complex requests. Where the information came from another signatory, that signatory must be consulted before release if disclosure could cause harm or prejudice an investigation.
# 7 Consent
7.1 Where consent is the lawful basis, or where seeking agreement is good practice, staff should explain to the individual in plain language what information will be shared, with whom, why, and what is likely to happen as a result.
7.2 Consent must be freely given, specific, informed and unambiguous. It must be recorded, including the date, who obtained it and what exactly the individual agreed to.
7.3 An individual may withdraw consent at any time. Where consent is withdrawn, any sharing that relied on consent must stop and the organisations that received the information must be told. Withdrawal does not make earlier sharing unlawful.
7.4 Even where consent is not the lawful basis, staff should normally seek the individual's views and tell them what is being shared, unless doing so would place any person at increased risk, prejudice the prevention or detection of crime, or cause harmful delay.
7.5 Where there is reason to believe an adult may lack capacity to decide about sharing, capacity must be assessed in line with the Mental Capacity Act 2005. If the adult lacks capacity, a decision to share must be made in their best interests, taking account of their known wishes and the views of any attorney, deputy or carer.
7.6 A person with parental responsibility may consent on behalf of a child who does not have the maturity to decide. A young person with sufficient understanding may give or refuse consent for themselves.
# 8 Sharing without consent
8.1 Personal information may be shared without consent, or after consent has been refused, where there is a lawful basis and sharing is necessary and proportionate, including where:
(a) there is a risk to life or a risk of serious harm to the individual or to another person;
(b) there is reasonable cause to suspect that a child is suffering, or is likely to suffer, significant harm;
(c) an adult at risk is experiencing, or is at risk of, abuse or neglect, including self-neglect;
(d) sharing is necessary for the prevention or detection of crime or the apprehension or prosecution of offenders;
(e) sharing is required by law or by an order of a court.
8.2 Staff should not seek consent where asking would place a child or adult at increased risk of harm, alert a suspected offender, or cause delay that may put someone at risk.
8.3 A decision to share without consent must be based on the facts known at the time, and must weigh the nature and likelihood of harm, the public interest in sharing, and whether a less intrusive option would achieve the purpose.
8.4 Where a person is in immediate danger, staff must call 999 before doing anything else. Only the information the emergency services need in order to respond should be shared at that point, and the decision must be recorded as soon as practicable afterwards.
8.5 The individual should be told that information has been shared without their consent, unless telling them would increase risk, prejudice an investigation or be otherwise inappropriate. The reason for not telling them must be recorded.
8.6 Decisions to share without consent should be discussed with a manager or safeguarding lead where time allows. Where it does not, the member of staff should act to protect the person and seek advice afterwards.
# 9 Secure transfer and storage
9.1 Personal information must be transferred using a method agreed in the relevant ISA. Acceptable methods include:
(a) secure email between approved public sector or NHS domains, or email encrypted to an equivalent standard;
(b) an approved secure referral portal or shared case management system;
(c) telephone, where the identity of the recipient has been confirmed by calling back through a known switchboard number;
(d) hand delivery in a sealed envelope marked OFFICIAL-SENSITIVE.
9.2 Personal information must never be sent using personal email accounts, instant messaging apps such as WhatsApp, text message, or social media.
9.3 Emails containing personal information must carry the marking OFFICIAL-SENSITIVE in the subject line, and the subject line itself must not contain names or other identifying details.
9.4 Before sending, staff must check that the recipient's address is correct, particularly where an email program suggests addresses automatically.
9.5 Information received must be stored on the receiving organisation's secure systems, with access limited to those who need it. It must not be kept on removable media or personal devices unless encrypted and authorised.
9.6 Information shared under this Charter must be kept only as long as it is needed for the purpose, in line with the receiving organisation's retention schedule, and then securely destroyed.
# 10 Recording decisions
10.1 Every decision to share or not to share personal information must be recorded, whether or not any information was disclosed. The record must include:
(a) what information was shared;
(b) with whom it was shared, including the organisation and role of the recipient;
(c) when and how it was shared;
(d) why it was shared, including the purpose and the lawful basis relied on;
(e) whether consent was obtained, refused or not sought, and the reason;
(f) who made the decision.
10.2 Records must be made at the time of the decision or as soon as possible afterwards, and before the end of the shift or working day in which the decision was made.
10.3 A template decision record is provided at Appendix 2. Signatories may use their own systems provided they capture the same information.
10.4 Each signatory must keep a log of disclosures made under ISAs and in response to one-off requests, in enough detail to answer audits, complaints and subject access requests.
# 11 Breaches
11.1 A personal data breach is a breach of security leading to the accidental or unlawful destruction, loss, alteration or unauthorised disclosure of, or access to, personal data. Examples include sending information to the wrong recipient, losing a device or paper file, and looking at records without a business need.
11.2 Any member of staff who discovers or suspects a breach must report it immediately to their line manager and to their organisation's DPO, and in any event within 24 hours of discovery.
11.3 The DPO will assess the risk. Where the breach is likely to result in a risk to people's rights and freedoms, the controller must notify the Information Commissioner's Office (ICO) without undue delay and, where feasible, within 72 hours of becoming aware of it.
11.4 Where a breach is likely to result in a high risk to the people concerned, they must also be told without undue delay, in clear language, what has happened and what is being done.
11.5 Where a breach involves information received from another signatory, the providing organisation must be told on the same working day that the breach is discovered.
11.6 Where information has been sent to the wrong recipient, the sender should contact the recipient, ask them to delete it and not to share it further, and request written confirmation that this has been done.
11.7 Signatories will co-operate in investigating breaches and will share lessons learned through the Humber Information Governance Group.
# 12 Signatories' responsibilities
12.1 By signing this Charter, each signatory agrees to:
(a) appoint a designated lead and publish contact details for its DPO;
(b) make sure that staff who share personal information receive data protection and information sharing training at induction, with refresher training at least every two years;
(c) put ISAs in place for regular sharing and keep a register of them;
(d) keep its privacy notices up to date so that they describe the sharing it carries out;
(e) complete a data protection impact assessment (DPIA) before starting any new large-scale or high-risk sharing arrangement;
(f) take appropriate action where staff misuse information shared under the Charter.
12.2 Disagreements between signatories about a sharing request should be resolved first between the staff involved, then escalated to the designated leads and, if still unresolved, to the DPOs of the organisations concerned.
12.3 A signatory may withdraw from the Charter by giving three months' written notice to the Humber Information Governance Group. Information already shared must continue to be handled in accordance with the Charter.
# 13 Review
13.1 This Charter will be reviewed by the Humber Information Governance Group every three years, or sooner if there is a significant change in legislation or national guidance. The next review is due by 1 April 2027.
13.2 Every ISA made under this Charter must carry a review date, normally no more than two years after it takes effect. An ISA whose review date has passed remains in force until it is reviewed, but the parties must treat the review as a priority and check that its legal references are still current.
13.3 Comments on this Charter should be sent to the designated lead in the signatory organisation, who will pass them to the Group.
"""

CHARTER_APPENDIX_1 = """
# Appendix 1 Signatory organisations
The organisations below are listed for illustration only. The list is not complete and does not show which organisations have signed the real Charter.
- Humberside Fire & Rescue Service
- Humberside Police
- Office of the Police and Crime Commissioner for Humberside
- Hull City Council
- East Riding of Yorkshire Council
- North Lincolnshire Council
- North East Lincolnshire Council
- Hull University Teaching Hospitals NHS Trust
- Northern Lincolnshire and Goole NHS Foundation Trust
- Humber Teaching NHS Foundation Trust
- NHS Humber and North Yorkshire Integrated Care Board
- Yorkshire Ambulance Service NHS Trust
- The Probation Service (Humber)
"""

CHARTER_APPENDIX_2 = """
# Appendix 2 Information sharing decision record
Signatories may copy this template or build the same fields into their own case recording systems (see clause 10.3).
- Date and time of the decision, and the name and role of the person who made it
- Name of the individual the information is about, and any case or visit reference
- The information shared, or requested and not shared
- The recipient: organisation, team, role and contact details
- Purpose of sharing and the lawful basis relied on, including any Article 9 condition or statutory gateway
- Consent: obtained, refused, withdrawn, or not sought, with the reason
- Method of transfer and the date it was sent
- Whether the individual has been told, and if not, why not
- Any advice sought, from whom, and when
"""

# --------------------------------------------------------------------------------------------
# Safe and Well referral ISA (Illustrative)
# --------------------------------------------------------------------------------------------

ISA_TITLE = (
    "Information Sharing Agreement: Safe and Well referrals between Humberside Fire & Rescue "
    "Service and Adult Social Care (Illustrative)"
)

ISA_CONTROL = [
    ("Status", "ILLUSTRATIVE EXAMPLE - not signed, not in force"),
    ("Version", "2.1"),
    ("Effective date", "1 October 2025"),
    ("Review date", "30 September 2027"),
    ("Made under", "Humber Information Sharing Charter (Illustrative), version 3.0"),
    (
        "Owners",
        "HFRS Head of Prevention; Principal Social Worker for each Adult Social Care team",
    ),
]

ISA_BODY = """
# 1. Parties
## 1.1 Parties to this agreement
This agreement is between Humberside Fire & Rescue Service (HFRS) and the Adult Social Care services of Hull City Council, East Riding of Yorkshire Council, North Lincolnshire Council and North East Lincolnshire Council (together referred to as Adult Social Care or ASC).
Each party is a controller for the personal data it holds and is responsible for its own compliance with the UK GDPR and the Data Protection Act 2018.
## 1.2 Relationship to the Humber Information Sharing Charter
This agreement is made under the Humber Information Sharing Charter and follows its principles. Where this agreement is silent on a point, the Charter applies.
# 2. Purpose
## 2.1 Why information is shared
HFRS carries out Home Fire Safety Visits (HFSVs) and Safe and Well visits to reduce the risk of fire in people's homes. During these visits crews often meet adults whose care and support needs make them more likely to have a fire, or less able to escape from one.
This agreement allows HFRS to refer those adults to ASC so that their needs can be assessed and support put in place, and allows ASC to refer adults to HFRS for a visit.
## 2.2 Concerns that should lead to a referral
Crews should consider a referral to ASC where they find an adult with care and support needs and any of the following:
- hoarding, including build-ups of combustible material that block exits or surround heaters and cookers;
- self-neglect, such as an adult not heating the home, not eating properly, or living in unsanitary conditions;
- signs of cognitive decline or dementia, such as pans left on the hob, confusion about the time of day, or unsafe use of heaters or smoking materials;
- a risk of falls, including recent falls, difficulty managing stairs, or an adult found on the floor;
- suspected abuse or exploitation by another person, including financial abuse.
## 2.3 Referrals from ASC to HFRS
ASC staff may refer an adult to HFRS for a Safe and Well visit where they identify a fire risk, for example a smoker with limited mobility, a person using home oxygen or paraffin-based emollient creams, or a person who has recently had a fire.
## 2.4 What this agreement does not cover
Concerns about a child are not referred under this agreement. They must be reported on the same day to the relevant children's social care front door under the HFRS Safeguarding Procedure.
This agreement does not replace the emergency response. If anyone is in immediate danger, call 999 first.
# 3. Legal basis
## 3.1 Lawful basis for HFRS
HFRS shares personal data under Article 6(1)(e) UK GDPR (public task), in exercise of its duty to promote fire safety under section 6 of the Fire and Rescue Services Act 2004.
Where a referral includes health information, HFRS relies on Article 9(2)(g) UK GDPR with Schedule 1 Part 2 paragraph 18 DPA 2018 (safeguarding of individuals at risk).
## 3.2 Lawful basis for ASC
ASC receives and shares personal data under Article 6(1)(e) UK GDPR in carrying out its duties under the Care Act 2014, including needs assessments under section 9 and safeguarding enquiries under section 42. For health and care information ASC relies on Article 9(2)(h) UK GDPR (provision of social care).
## 3.3 Vital interests
Where an adult's life is at risk and they cannot give consent, either party may share under Article 6(1)(d) and Article 9(2)(c) UK GDPR (vital interests).
## 3.4 Confidentiality
The common law duty of confidentiality is met by the adult's consent or, where consent is not given, by an overriding public interest in preventing serious harm.
# 4. Information to be shared
## 4.1 Minimum data set
A referral must contain only the information ASC needs to decide what to do next. The minimum data set is:
- full name, address and a contact telephone number;
- date of birth;
- the nature of the concern, described factually in terms of what the crew saw and heard;
- the level of risk, including the fire risk and any risk to life;
- consent status: whether consent was given, refused or could not be obtained, and why;
- name of the GP and details of any carer or next of kin, where known and relevant;
- the HFRS visit reference and the name and station of the referring officer.
## 4.2 Information that must not be shared
Do not include details of other household members unless they are relevant to the risk. Do not include personal opinions that are not based on what was observed.
Photographs may only be shared where the adult has agreed, the photograph is needed to show the risk (for example the extent of hoarding), and it is sent through the secure referral portal from a Service device.
# 5. Consent
## 5.1 Ask first
Crews must ask the adult for consent before making a referral. Explain in plain language what will be shared, that it will go to Adult Social Care, why, and what may happen next, such as a telephone call or visit from a social worker.
Record the adult's answer on the HFSV record, in their own words where possible.
## 5.2 Where the adult may lack capacity
If the crew have reason to doubt that the adult can understand, remember or weigh up the decision, they must not rely on the adult's agreement or refusal. The crew should record their concern about capacity and make the referral in the adult's best interests, in line with the Mental Capacity Act 2005.
Where a relative or carer holds a lasting power of attorney for health and welfare, their views should be sought and recorded. ASC, not HFRS, will carry out any formal assessment of capacity.
## 5.3 Where the adult refuses
An adult with capacity who refuses a referral should normally have that decision respected where the risk is to themselves alone and is not serious.
Where the adult refuses but there is a risk of serious harm to them or to others, for example hoarding that blocks the only escape route, signs of abuse, or a fire risk to neighbours in a shared building, HFRS will share without consent under safeguarding. The decision must be made with the watch manager or the HFRS safeguarding lead and recorded, with the reason and the legal basis.
## 5.4 Where consent is withdrawn
If an adult contacts HFRS to withdraw consent after a referral has been made, HFRS must tell ASC on the same working day. ASC will decide whether the safeguarding concerns justify continuing without consent, and will tell HFRS the outcome. Both parties must record the withdrawal.
## 5.5 Telling the adult
The adult should be told that a referral has been made, unless telling them would increase the risk to them or to someone else.
# 6. How information is shared
## 6.1 Routine referrals
Routine referrals are sent through the ASC secure referral portal or by secure email from an HFRS account to the ASC front door mailbox of the relevant council.
The email subject line must read OFFICIAL-SENSITIVE: HFRS Safe and Well referral, followed by the HFRS visit reference. Names must not appear in the subject line.
## 6.2 Urgent referrals
Where an adult is at risk of serious harm but is not in immediate danger, phone the ASC front door of the relevant council during office hours, Monday to Friday 8.30am to 5pm, then send the written referral on the same day.
## 6.3 Out of hours
Outside office hours, urgent concerns are phoned through to the council's Emergency Duty Team (EDT). The written referral follows on the next working day.
## 6.4 Methods that must not be used
Referrals and photographs must never be sent by personal email, WhatsApp or text message, and must not be stored on personal phones. Use Service devices and accounts only.
# 7. Timescales
## 7.1 Routine referrals
A routine referral must be sent within 24 hours of the visit.
## 7.2 Urgent referrals
An urgent referral must be phoned through on the same day as the visit, followed by the written referral the same day.
## 7.3 Response from ASC
ASC will acknowledge a referral within two working days. Within ten working days ASC will tell the referring officer whether an assessment or safeguarding enquiry has been started, sharing only what HFRS needs to know, for example whether a return visit is needed.
# 8. Recording
## 8.1 What to write on the HFSV record
The referring officer must record on the HFSV record in the HFRS community safety system:
- the concerns observed, described factually;
- whether consent was asked for, and the adult's answer;
- any concern about the adult's capacity;
- whether a referral was made, the date and time, the method, and the team it was sent to;
- where the referral was made without consent, the legal basis and the reason;
- the name of the person who made the decision to share;
- the ASC reference number, once received.
## 8.2 Decisions not to refer
Where crews decide not to make a referral, they must record why, for example that the adult already has a care package that addresses the concern.
## 8.3 ASC records
ASC records each referral on its social care case management system.
# 9. Retention
## 9.1 HFRS retention
HFRS keeps referral records with the HFSV record for six years from the date of the last visit, then securely destroys them in line with the HFRS retention schedule.
## 9.2 ASC retention
ASC keeps referral information in line with its own social care records retention schedule.
## 9.3 Copies in mailboxes
Once a referral has been saved to the HFSV record, copies in email mailboxes must be deleted within 30 days.
# 10. Breaches
## 10.1 Reporting a breach
Any actual or suspected breach, such as a referral emailed to the wrong address or a lost device, must be reported to the line manager and the HFRS DPO within 24 hours of discovery.
## 10.2 Telling the other party
Where a breach involves a referral made under this agreement, the party responsible must tell the other party on the same working day.
## 10.3 Reporting to the ICO
The DPO of the party responsible will decide whether the breach must be reported to the Information Commissioner's Office. Where it must, the report is made within 72 hours of becoming aware of the breach.
## 10.4 Referral sent to the wrong recipient
The sender must ask the wrong recipient to delete the referral and confirm in writing that they have done so.
# 11. Subject access and complaints
## 11.1 Subject access requests
Each party answers subject access requests for the records it holds, within one month of receipt. Where those records include information supplied by the other party, that party must be consulted before release.
## 11.2 Complaints
Complaints about sharing under this agreement are handled under the complaints procedure of the party that made the decision complained about.
# 12. Contacts and escalation
## 12.1 Contacts
HFRS safeguarding lead (Prevention): safeguarding@humbersidefire.example, or via Fire Control out of hours.
HFRS Data Protection Officer: dpo@humbersidefire.example.
ASC front doors: the telephone numbers and secure mailboxes for each council are listed on the HFRS intranet Safeguarding page (illustrative number for training: 01632 960 101).
## 12.2 Escalation
If ASC has not acknowledged a referral within two working days, or the parties disagree about whether a referral meets the threshold, the referring officer should raise it with their watch manager, who will escalate to the HFRS safeguarding lead. The safeguarding lead will take it up with the ASC team manager and, if it is still not resolved, through the Safeguarding Adults Board escalation protocol.
Questions about data protection, breaches or subject access requests go to the HFRS DPO.
# 13. Review
## 13.1 Review date
This agreement will be reviewed every two years. The next review is due by 30 September 2027, or sooner if the law changes or a serious incident shows that it is not working.
## 13.2 Signatures
This illustrative agreement is not signed. A real agreement would be signed by the HFRS Head of Prevention and by the Director of Adult Social Services for each council.
"""

# --------------------------------------------------------------------------------------------
# Parsing the mini-format
# --------------------------------------------------------------------------------------------

_CLAUSE = re.compile(r"^(\d{1,2}\.\d{1,2})\s+(.*)$")
_ITEM = re.compile(r"^\(([a-z])\)\s+(.*)$")


def _blocks(source: str) -> list[tuple[str, str]]:
    """Classify each non-blank source line as heading1/heading2/clause/item/bullet/para."""
    blocks: list[tuple[str, str]] = []
    for line in (raw.strip() for raw in source.strip().splitlines()):
        if not line:
            continue
        if line.startswith("## "):
            blocks.append(("heading2", line[3:]))
        elif line.startswith("# "):
            blocks.append(("heading1", line[2:]))
        elif line.startswith("- "):
            blocks.append(("bullet", line[2:]))
        elif _CLAUSE.match(line):
            blocks.append(("clause", line))
        elif _ITEM.match(line):
            blocks.append(("item", line))
        else:
            blocks.append(("para", line))
    return blocks


# --------------------------------------------------------------------------------------------
# PDF (reportlab)
# --------------------------------------------------------------------------------------------


def _pdf_styles() -> dict[str, object]:
    from reportlab.lib.colors import HexColor
    from reportlab.lib.styles import ParagraphStyle

    navy = HexColor("#1f3864")
    base = ParagraphStyle(
        "base", fontName="Helvetica", fontSize=10, leading=14, spaceAfter=6
    )
    return {
        "base": base,
        "h1": ParagraphStyle(
            "h1",
            parent=base,
            fontName="Helvetica-Bold",
            fontSize=13,
            leading=17,
            spaceBefore=10,
            spaceAfter=6,
            textColor=navy,
            keepWithNext=1,
        ),
        "item": ParagraphStyle("item", parent=base, leftIndent=22, spaceAfter=3),
        "bullet": ParagraphStyle(
            "bullet", parent=base, leftIndent=22, bulletIndent=8, spaceAfter=3
        ),
        "title": ParagraphStyle(
            "title",
            parent=base,
            fontName="Helvetica-Bold",
            fontSize=24,
            leading=30,
            textColor=navy,
            spaceAfter=18,
        ),
        "cover": ParagraphStyle(
            "cover", parent=base, fontSize=12, leading=17, spaceAfter=12
        ),
        "notice": ParagraphStyle(
            "notice",
            parent=base,
            fontName="Helvetica-Bold",
            fontSize=10.5,
            leading=15,
            borderColor=HexColor("#c00000"),
            borderWidth=1,
            borderPadding=8,
            textColor=HexColor("#c00000"),
            spaceBefore=24,
        ),
        "toc_title": ParagraphStyle(
            "toc_title",
            parent=base,
            fontName="Helvetica-Bold",
            fontSize=16,
            leading=20,
            textColor=navy,
            spaceAfter=12,
        ),
    }


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _pdf_flowables(source: str, styles: dict[str, object]) -> list[object]:
    """Headings register in the contents; clause numbers are bold; items are indented."""
    from reportlab.platypus import Paragraph

    flowables: list[object] = []
    for kind, text in _blocks(source):
        if kind == "heading1":
            heading = Paragraph(_escape(text), styles["h1"])
            heading.toc_text = text  # type: ignore[attr-defined]
            flowables.append(heading)
        elif kind == "clause":
            number, rest = _CLAUSE.match(text).groups()  # type: ignore[union-attr]
            flowables.append(
                Paragraph(f"<b>{number}</b> {_escape(rest)}", styles["base"])
            )
        elif kind == "item":
            flowables.append(Paragraph(_escape(text), styles["item"]))
        elif kind == "bullet":
            flowables.append(
                Paragraph(_escape(text), styles["bullet"], bulletText="\u2013")
            )
        else:
            flowables.append(Paragraph(_escape(text), styles["base"]))
    return flowables


def _contents_line_class() -> type:
    """One contents entry drawn as a single text line: title, dot leaders, right-aligned page."""
    from reportlab.pdfbase.pdfmetrics import stringWidth
    from reportlab.platypus import Flowable

    font, size, height = "Helvetica", 10.5, 19

    class ContentsLine(Flowable):
        def __init__(self, title: str, page: int | None) -> None:
            super().__init__()
            self.title, self.page = title, page

        def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
            self.width = avail_width
            return avail_width, height

        def draw(self) -> None:
            number = str(self.page) if self.page is not None else "0"
            room = self.width - stringWidth(f"{self.title}  {number}", font, size)
            dots = "." * int(room // stringWidth(".", font, size))
            # One string, so text extraction keeps title, leaders and page on one line.
            line = f"{self.title} {dots} {number}"
            spare = self.width - stringWidth(line, font, size)
            text = self.canv.beginText(0, 5)
            text.setFont(font, size)
            text.setWordSpace(
                spare / line.count(" ")
            )  # stretch the spaces to right-align the page
            text.textOut(line)
            self.canv.drawText(text)

    return ContentsLine


def _charter_doc(target: io.BytesIO, heading_pages: dict[str, int]) -> Any:
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.units import mm
    from reportlab.platypus import BaseDocTemplate, Frame, PageTemplate

    class CharterDoc(BaseDocTemplate):
        """Notes the body page number (physical minus front matter) of every top-level heading."""

        def afterFlowable(self, flowable: object) -> None:
            text = getattr(flowable, "toc_text", None)
            if text:
                heading_pages[text] = self.page - CHARTER_FRONT_PAGES

    doc = CharterDoc(
        target,
        pagesize=A4,
        leftMargin=25 * mm,
        rightMargin=25 * mm,
        topMargin=25 * mm,
        bottomMargin=22 * mm,
        title=CHARTER_TITLE,
        author="ShareCheck project (illustrative)",
        subject=ILLUSTRATIVE,
        creator="scripts/build_corpus.py",
        invariant=1,
    )
    frame = Frame(doc.leftMargin, doc.bottomMargin, doc.width, doc.height, id="body")
    doc.addPageTemplates([PageTemplate(id="page", frames=[frame])])
    return doc


def _charter_canvas() -> type:
    """A canvas that holds pages back until the end so the footer can say 'Page N of M'."""
    from reportlab.lib.colors import HexColor
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.units import mm
    from reportlab.pdfgen.canvas import Canvas

    roman = ["i", "ii", "iii", "iv"]

    class NumberedCanvas(Canvas):
        def __init__(self, *args: object, **kwargs: object) -> None:
            super().__init__(*args, **kwargs)
            self._pages: list[dict[str, object]] = []

        def showPage(self) -> None:
            self._pages.append(dict(self.__dict__))
            self._startPage()

        def save(self) -> None:
            body_total = len(self._pages) - CHARTER_FRONT_PAGES
            for state in self._pages:
                self.__dict__.update(state)
                self._decorate(body_total)
                super().showPage()
            super().save()

        def _decorate(self, body_total: int) -> None:
            width, height = A4
            physical = self._pageNumber
            if physical <= CHARTER_FRONT_PAGES:
                number = f"Page {roman[physical - 1]}"
            else:
                number = f"Page {physical - CHARTER_FRONT_PAGES} of {body_total}"
            self.saveState()
            self.setFillColor(HexColor("#404040"))
            self.setStrokeColor(HexColor("#808080"))
            self.setFont("Helvetica", 8.5)
            self.drawString(25 * mm, height - 14 * mm, CHARTER_HEADER)
            self.drawRightString(width - 25 * mm, height - 14 * mm, "OFFICIAL")
            self.line(25 * mm, height - 16 * mm, width - 25 * mm, height - 16 * mm)
            self.line(25 * mm, 15 * mm, width - 25 * mm, 15 * mm)
            self.drawString(25 * mm, 10 * mm, CHARTER_VERSION_LINE)
            self.drawRightString(width - 25 * mm, 10 * mm, number)
            self.drawCentredString(width / 2, 5.5 * mm, "Not a real agreement")
            self.restoreState()

    return NumberedCanvas


def _charter_headings() -> list[str]:
    sources = (CHARTER_BODY, CHARTER_APPENDIX_1, CHARTER_APPENDIX_2)
    return [
        text
        for source in sources
        for kind, text in _blocks(source)
        if kind == "heading1"
    ]


def _charter_story(
    styles: dict[str, object], heading_pages: dict[str, int]
) -> list[object]:
    """Cover, contents (pages from a previous pass, 0 on the first), body, appendices."""
    from reportlab.platypus import PageBreak, Paragraph, Spacer

    contents_line = _contents_line_class()
    story: list[object] = [
        Spacer(1, 60),
        Paragraph(_escape(CHARTER_TITLE), styles["title"]),
    ]
    story += [Paragraph(_escape(line), styles["cover"]) for line in CHARTER_COVER]
    story += [Paragraph(_escape(CHARTER_COVER_NOTICE), styles["notice"]), PageBreak()]

    story.append(Paragraph("Contents", styles["toc_title"]))
    story += [contents_line(h, heading_pages.get(h)) for h in _charter_headings()]
    story.append(PageBreak())

    story += _pdf_flowables(CHARTER_BODY, styles)
    story += [PageBreak(), *_pdf_flowables(CHARTER_APPENDIX_1, styles)]
    story += [Spacer(1, 12), *_pdf_flowables(CHARTER_APPENDIX_2, styles)]
    return story


def _set_page_labels(pdf_bytes: bytes) -> bytes:
    """Front matter i, ii; body 1, 2, ... so physical page 3 carries the label '1'."""
    from pypdf import PdfReader, PdfWriter
    from pypdf.constants import PageLabelStyle

    reader = PdfReader(io.BytesIO(pdf_bytes))
    writer = PdfWriter(clone_from=reader)
    last = len(writer.pages) - 1
    writer.set_page_label(
        0, CHARTER_FRONT_PAGES - 1, style=PageLabelStyle.LOWERCASE_ROMAN, start=1
    )
    writer.set_page_label(
        CHARTER_FRONT_PAGES, last, style=PageLabelStyle.DECIMAL, start=1
    )
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def build_charter_pdf(path: Path = PDF_PATH) -> Path:
    """Write the illustrative Charter PDF (cover, contents, numbered clauses, appendices).

    Built twice: the first pass finds which page each heading lands on, the second prints those
    numbers in the contents. The contents always fit one page, so the numbers cannot shift.
    """
    heading_pages: dict[str, int] = {}
    for _ in range(2):
        buffer = io.BytesIO()
        doc = _charter_doc(buffer, heading_pages)
        doc.build(
            _charter_story(_pdf_styles(), dict(heading_pages)),
            canvasmaker=_charter_canvas(),
        )
    path.write_bytes(_set_page_labels(buffer.getvalue()))
    return path


# --------------------------------------------------------------------------------------------
# DOCX (python-docx)
# --------------------------------------------------------------------------------------------


def _docx_header(document: object) -> None:
    section = document.sections[0]  # type: ignore[attr-defined]
    header = section.header.paragraphs[0]
    header.text = (
        "Safe and Well referral ISA \u2014 ILLUSTRATIVE EXAMPLE (not a real agreement)"
    )
    footer = section.footer.paragraphs[0]
    footer.text = "Version 2.1 (illustrative)  |  Effective 1 October 2025  |  Review date 30 September 2027"


def _docx_control_table(document: object) -> None:
    table = document.add_table(rows=0, cols=2)  # type: ignore[attr-defined]
    table.style = "Table Grid"
    for label, value in ISA_CONTROL:
        cells = table.add_row().cells
        cells[0].text, cells[1].text = label, value


def _docx_body(document: object) -> None:
    styles = {"heading1": "Heading 1", "heading2": "Heading 2", "bullet": "List Bullet"}
    for kind, text in _blocks(ISA_BODY):
        if kind in ("heading1", "heading2"):
            document.add_heading(text, level=1 if kind == "heading1" else 2)  # type: ignore[attr-defined]
        else:
            document.add_paragraph(text, style=styles.get(kind, "Normal"))  # type: ignore[attr-defined]


def _fix_zip_timestamps(blob: bytes) -> bytes:
    """python-docx stamps each zip member with the current time; pin them for stable output."""
    source = zipfile.ZipFile(io.BytesIO(blob))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for member in source.infolist():
            info = zipfile.ZipInfo(member.filename, date_time=ZIP_TIMESTAMP)
            info.compress_type = zipfile.ZIP_DEFLATED
            target.writestr(info, source.read(member.filename))
    return out.getvalue()


def build_isa_docx(path: Path = DOCX_PATH) -> Path:
    """Write the illustrative Safe and Well referral ISA with real Word heading styles."""
    import docx

    document = docx.Document()
    fixed = datetime(2025, 10, 1, 0, 0, 0)
    props = document.core_properties
    props.title, props.author, props.subject = (
        ISA_TITLE,
        "ShareCheck project (illustrative)",
        ILLUSTRATIVE,
    )
    props.created = props.modified = props.last_printed = fixed
    props.last_modified_by, props.revision = "ShareCheck project", 1

    _docx_header(document)
    document.add_heading(ISA_TITLE, level=0)
    document.add_paragraph(
        ILLUSTRATIVE
        + " Names, contacts and arrangements are invented for training and for "
        "testing the ShareCheck assistant."
    )
    document.add_paragraph(
        "Version 2.1. Effective from 1 October 2025. Review date: 30 September 2027."
    )
    _docx_control_table(document)
    _docx_body(document)

    buffer = io.BytesIO()
    document.save(buffer)
    path.write_bytes(_fix_zip_timestamps(buffer.getvalue()))
    return path


def main() -> None:
    for path in (build_charter_pdf(), build_isa_docx()):
        print(f"wrote {path.relative_to(HERE.parent)}")


if __name__ == "__main__":
    main()
